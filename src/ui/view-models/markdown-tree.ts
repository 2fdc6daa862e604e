/**
 * Markdown for the Spec Kit preview as a tree of plain elements, built from our markdown parser's
 * blocks and inlines (markdown/) and never from HTML: there is no HTML string anywhere, so there
 * is nothing to sanitise. The tree holds only the tags below with only the attributes set here;
 * text is text (HTML written in a document shows as the characters typed). Links go to http(s)
 * addresses only, in a new window without an opener; images are never fetched (an image is a
 * link to it, named by its alt text). Task checkboxes are numbered in the order this walk meets
 * them, which is the order `tasksOf` finds them in the same blocks, so checkbox N toggles task N.
 */
import { parseBlocks, type Block, type ListItem } from './markdown/blocks.ts'
import { parseInline, type Inline } from './markdown/inline.ts'
import { normalizeNewlines, tasksOf, type TaskItem } from './task-checkboxes.ts'

type MarkdownTag =
  | 'h1'
  | 'h2'
  | 'h3'
  | 'h4'
  | 'h5'
  | 'h6'
  | 'p'
  | 'ul'
  | 'ol'
  | 'li'
  | 'blockquote'
  | 'pre'
  | 'code'
  | 'hr'
  | 'table'
  | 'thead'
  | 'tbody'
  | 'tr'
  | 'th'
  | 'td'
  | 'strong'
  | 'em'
  | 'del'
  | 'br'
  | 'a'
  | 'input'

interface MarkdownAttributes {
  href?: string
  title?: string
  target?: '_blank'
  rel?: 'noopener noreferrer'
  start?: number
  align?: 'left' | 'center' | 'right'
  type?: 'checkbox'
  checked?: boolean
  'data-task-index'?: number
  'aria-label'?: string
}

export interface MarkdownElement {
  tag: MarkdownTag
  attributes: MarkdownAttributes
  children: MarkdownNode[]
}

export type MarkdownNode = string | MarkdownElement

interface MarkdownTree {
  nodes: MarkdownNode[]
  tasks: TaskItem[]
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const

const element = (tag: MarkdownTag, children: MarkdownNode[] = [], attributes: MarkdownAttributes = {}): MarkdownElement => ({
  tag,
  attributes,
  children,
})

/** An http(s) address, or null: no javascript:, data:, file: or relative links. */
function safeHref(href: string): string | null {
  try {
    const url = new URL(href)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

function link(href: string, title: string | null | undefined, children: MarkdownNode[]): MarkdownNode[] {
  const safe = safeHref(href)
  if (safe === null) return children
  return [element('a', children, { href: safe, target: '_blank', rel: 'noopener noreferrer', ...(title ? { title } : {}) })]
}

const isComment = (html: string) => /^\s*<!--[\s\S]*-->\s*$/.test(html)

class TreeBuilder {
  private nextTask = 0

  constructor(private readonly tasks: TaskItem[]) {}

  blocks(blocks: readonly Block[]): MarkdownNode[] {
    return blocks.flatMap((block) => this.block(block))
  }

  private block(block: Block): MarkdownNode[] {
    switch (block.kind) {
      case 'heading':
        return [element(HEADINGS[block.level - 1], this.inline(parseInline(block.text)))]
      case 'paragraph':
        return [element('p', this.inline(parseInline(block.text)))]
      case 'code':
        return [element('pre', [element('code', [block.text])])]
      case 'quote':
        return [element('blockquote', this.blocks(block.blocks))]
      case 'rule':
        return [element('hr')]
      case 'list':
        return [
          element(
            block.ordered ? 'ol' : 'ul',
            block.items.map((item) => this.item(item, block.loose)),
            block.ordered && block.start !== 1 ? { start: block.start } : {},
          ),
        ]
      case 'table':
        return [this.table(block)]
      case 'html':
        // HTML written in the document is shown as written, never parsed (a comment shows nowhere).
        return isComment(block.text) ? [] : [element('p', [block.text.trimEnd()])]
    }
  }

  private item(item: ListItem, loose: boolean): MarkdownElement {
    const checkbox: MarkdownNode[] = []
    if (item.task !== null) {
      const index = this.nextTask++
      const label = this.tasks[index]?.text ?? `Task ${index + 1}`
      checkbox.push(
        element('input', [], { type: 'checkbox', 'data-task-index': index, 'aria-label': label, checked: item.task.checked }),
        ' ',
      )
    }
    // A tight list's paragraphs are bare text.
    const content = item.blocks.flatMap((child) =>
      !loose && child.kind === 'paragraph' ? this.inline(parseInline(child.text)) : this.block(child),
    )
    const first = content[0]
    if (checkbox.length > 0 && first !== undefined && typeof first !== 'string' && first.tag === 'p') {
      // A loose task item keeps its checkbox inside its first paragraph.
      return element('li', [element('p', [...checkbox, ...first.children]), ...content.slice(1)])
    }
    return element('li', [...checkbox, ...content])
  }

  private table(block: Extract<Block, { kind: 'table' }>): MarkdownElement {
    const cell = (tag: 'th' | 'td', text: string, column: number) => {
      const align = block.align[column]
      return element(tag, this.inline(parseInline(text)), align === null ? {} : { align })
    }
    const head = element('thead', [
      element(
        'tr',
        block.head.map((text, column) => cell('th', text, column)),
      ),
    ])
    const rows = block.rows.map((row) =>
      element(
        'tr',
        row.map((text, column) => cell('td', text, column)),
      ),
    )
    return element('table', rows.length > 0 ? [head, element('tbody', rows)] : [head])
  }

  private inline(nodes: readonly Inline[]): MarkdownNode[] {
    return nodes.flatMap((node): MarkdownNode[] => {
      switch (node.kind) {
        case 'text':
        case 'code':
          return node.kind === 'code' ? [element('code', [node.text])] : [node.text]
        case 'em':
        case 'strong':
        case 'del':
          return [element(node.kind, this.inline(node.children))]
        case 'break':
          return [element('br')]
        case 'link':
          return link(node.href, node.title, this.inline(node.children))
        case 'image':
          return link(node.href, node.title, [node.alt || node.href])
      }
    })
  }
}

export function markdownTree(source: string): MarkdownTree {
  const blocks = parseBlocks(normalizeNewlines(source))
  const tasks = tasksOf(blocks)
  return { nodes: new TreeBuilder(tasks).blocks(blocks), tasks }
}
