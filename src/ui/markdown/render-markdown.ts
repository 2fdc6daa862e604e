/**
 * Markdown for the Spec Kit preview: marked's HTML, then DOMPurify, so a document can never run
 * script or carry event handlers into the plugin. Links open in a new window without an opener.
 */
import DOMPurify from 'dompurify'
import { markdownHtml, type MarkdownHtml } from '../view-models/markdown-html.ts'

let hooked = false

function addLinkHook(): void {
  if (hooked) return
  hooked = true
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank')
      node.setAttribute('rel', 'noopener noreferrer')
    }
  })
}

export function renderMarkdown(source: string): MarkdownHtml {
  addLinkHook()
  const { html, tasks } = markdownHtml(source)
  const clean = DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
  })
  return { html: clean, tasks }
}
