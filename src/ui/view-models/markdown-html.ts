/**
 * Markdown to (not yet sanitised) HTML with marked. Task checkboxes are rendered clickable and
 * numbered in the order marked's renderer meets them, which is the order `taskItemsFromTokens`
 * finds them in the same token tree, so checkbox N toggles task N in the source.
 */
import { Lexer, Parser, Renderer } from 'marked'
import { normalizeNewlines, taskItemsFromTokens, type TaskItem } from './task-checkboxes.ts'

export interface MarkdownHtml {
  html: string
  tasks: TaskItem[]
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ATTRIBUTE_ESCAPES[char])
}

export function markdownHtml(source: string): MarkdownHtml {
  const text = normalizeNewlines(source)
  const options = { gfm: true }
  const tokens = new Lexer(options).lex(text)
  const tasks = taskItemsFromTokens(text, tokens)
  const renderer = new Renderer(options)
  let next = 0
  renderer.checkbox = ({ checked }) => {
    const index = next++
    const label = tasks[index]?.text ?? `Task ${index + 1}`
    return `<input type="checkbox" data-task-index="${index}" aria-label="${escapeAttribute(label)}"${checked ? ' checked=""' : ''}>`
  }
  const html = new Parser({ ...options, renderer }).parse(tokens)
  return { html, tasks }
}
