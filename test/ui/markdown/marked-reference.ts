/**
 * The markdown preview as it was built from marked's lexer, kept only as the reference the
 * differential test compares our parser with (marked is a development dependency for this alone).
 * The tree builder is the one the plugin used, minus the task labels (they come from the source).
 */
import { Lexer, type Token, type Tokens } from 'marked'
import type { MarkdownElement, MarkdownNode } from '../../../src/ui/view-models/markdown-tree.ts'
import { normalizeNewlines } from '../../../src/ui/view-models/task-checkboxes.ts'

type MarkdownTag = MarkdownElement['tag']
type MarkdownAttributes = MarkdownElement['attributes']

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const

const element = (tag: MarkdownTag, children: MarkdownNode[] = [], attributes: MarkdownAttributes = {}): MarkdownElement => ({
  tag,
  attributes,
  children,
})

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/** Character references in text, as a browser would show them (the common names; others stay as typed). */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name] ?? whole
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd'
  })
}

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

/** marked's Token also admits extension tokens of any type, so `type` alone does not narrow it. */
function is<T extends Token['type']>(token: Token, type: T): token is Extract<Token, { type: T }> {
  return token.type === type
}

class TreeBuilder {
  private nextTask = 0

  blocks(tokens: readonly Token[]): MarkdownNode[] {
    return tokens.flatMap((token) => this.block(token))
  }

  private block(token: Token): MarkdownNode[] {
    if (is(token, 'heading')) {
      return [element(HEADINGS[Math.min(6, Math.max(1, token.depth)) - 1], this.inline(token.tokens))]
    }
    if (is(token, 'paragraph')) return [element('p', this.inline(token.tokens))]
    if (is(token, 'text')) return token.tokens ? this.inline(token.tokens) : [decodeEntities(token.text)]
    if (is(token, 'code')) return [element('pre', [element('code', [token.text])])]
    if (is(token, 'blockquote')) return [element('blockquote', this.blocks(token.tokens))]
    if (is(token, 'hr')) return [element('hr')]
    if (is(token, 'list')) return [this.list(token)]
    if (is(token, 'table')) return [this.table(token)]
    // HTML written in the document is shown as written, never parsed (a comment shows nowhere).
    if (is(token, 'html')) return isComment(token.text) ? [] : [element('p', [token.text.trimEnd()])]
    return []
  }

  private list(token: Tokens.List): MarkdownElement {
    const start = token.ordered && token.start !== '' && token.start !== 1 ? { start: Number(token.start) } : {}
    return element(
      token.ordered ? 'ol' : 'ul',
      token.items.map((item) => this.item(item, token.loose)),
      start,
    )
  }

  private item(item: Tokens.ListItem, loose: boolean): MarkdownElement {
    const checkbox: MarkdownNode[] = []
    if (item.task) {
      const index = this.nextTask++
      checkbox.push(element('input', [], { type: 'checkbox', 'data-task-index': index, checked: item.checked === true }), ' ')
    }
    // A tight list's paragraphs are bare text, as marked renders them.
    const content = item.tokens.flatMap((child) =>
      !loose && is(child, 'text') ? (child.tokens ? this.inline(child.tokens) : [decodeEntities(child.text)]) : this.block(child),
    )
    const first = content[0]
    if (checkbox.length > 0 && first !== undefined && typeof first !== 'string' && first.tag === 'p') {
      // A loose task item keeps its checkbox inside its first paragraph.
      return element('li', [element('p', [...checkbox, ...first.children]), ...content.slice(1)])
    }
    return element('li', [...checkbox, ...content])
  }

  private table(token: Tokens.Table): MarkdownElement {
    const cell = (tag: 'th' | 'td', value: Tokens.TableCell) =>
      element(tag, this.inline(value.tokens), value.align === null ? {} : { align: value.align })
    const head = element('thead', [
      element(
        'tr',
        token.header.map((value) => cell('th', value)),
      ),
    ])
    const rows = token.rows.map((row) =>
      element(
        'tr',
        row.map((value) => cell('td', value)),
      ),
    )
    return element('table', rows.length > 0 ? [head, element('tbody', rows)] : [head])
  }

  inline(tokens: readonly Token[]): MarkdownNode[] {
    return tokens.flatMap((token): MarkdownNode[] => {
      if (is(token, 'text')) return token.tokens ? this.inline(token.tokens) : [decodeEntities(token.text)]
      if (is(token, 'escape')) return [token.text]
      if (is(token, 'strong')) return [element('strong', this.inline(token.tokens))]
      if (is(token, 'em')) return [element('em', this.inline(token.tokens))]
      if (is(token, 'del')) return [element('del', this.inline(token.tokens))]
      if (is(token, 'codespan')) return [element('code', [token.text])]
      if (is(token, 'br')) return [element('br')]
      if (is(token, 'link')) return link(token.href, token.title, this.inline(token.tokens))
      if (is(token, 'image')) return link(token.href, token.title, [token.text || token.href])
      if (is(token, 'html')) return isComment(token.text) ? [] : [token.text]
      return 'text' in token && typeof token.text === 'string' ? [token.text] : []
    })
  }
}

/** The tree the preview showed when it rendered marked's tokens. */
export function markedTree(source: string): MarkdownNode[] {
  const tokens = new Lexer({ gfm: true }).lex(normalizeNewlines(source))
  return new TreeBuilder().blocks(tokens)
}
