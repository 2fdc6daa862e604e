/**
 * Task checkboxes in a Spec Kit document (`- [ ] do this`): the Nth checkbox the preview renders
 * is the Nth task item marked's lexer finds, walking tokens in the order the renderer does. Each
 * item is located in the source from its token's raw text, so a click flips exactly its `[ ]`.
 */
import { Lexer, type Token, type Tokens } from 'marked'

export interface TaskItem {
  /** Position among the document's task items, as rendered. */
  index: number
  /** Offset in the (newline-normalised) source of the character between the brackets. */
  offset: number
  checked: boolean
  /** The item's first line without its marker, for labelling the checkbox. */
  text: string
}

/** Markdown sources are compared and edited with \n line ends, as marked's lexer sees them. */
export function normalizeNewlines(source: string): string {
  return source.replace(/\r\n?/g, '\n')
}

const MARKER = /^(?:[-+*]|\d{1,9}[.)])[ \t]+\[([ xX])\]/

export function taskItems(source: string): TaskItem[] {
  const text = normalizeNewlines(source)
  return taskItemsFromTokens(text, new Lexer({ gfm: true }).lex(text))
}

/** For callers that render the same tokens, so both walk one tree. `source` must be normalised. */
export function taskItemsFromTokens(source: string, tokens: readonly Token[]): TaskItem[] {
  const items: TaskItem[] = []
  let cursor = 0
  for (const token of tokens) {
    // Top-level raws follow each other through the source; search only if one ever does not.
    const start = source.startsWith(token.raw, cursor) ? cursor : source.indexOf(token.raw, cursor)
    if (start === -1) continue
    const end = start + token.raw.length
    const inside = { cursor: start }
    collectTasks(token, source, end, inside, items)
    cursor = end
  }
  return items
}

/** marked's Token also admits extension tokens of any type, so `type` alone does not narrow it. */
function isList(token: Token): token is Tokens.List {
  return token.type === 'list'
}

function collectTasks(token: Token, source: string, end: number, inside: { cursor: number }, items: TaskItem[]): void {
  if (isList(token)) {
    for (const item of token.items) {
      if (item.task) locateTask(item, source, end, inside, items)
      for (const child of item.tokens) collectTasks(child, source, end, inside, items)
    }
    return
  }
  const children = 'tokens' in token ? token.tokens : undefined
  if (Array.isArray(children)) for (const child of children) collectTasks(child, source, end, inside, items)
}

/**
 * A nested item's raw text lost its indentation (and a quote's "> "), but its first line after
 * that is verbatim in the source, after the previous item: find it there.
 */
function locateTask(item: Tokens.ListItem, source: string, end: number, inside: { cursor: number }, items: TaskItem[]): void {
  const firstLine = item.raw.split('\n', 1)[0].trimStart()
  const marker = MARKER.exec(firstLine)
  if (marker === null) return
  const at = source.indexOf(firstLine, inside.cursor)
  if (at === -1 || at >= end) return
  // The marker ends with "[ ]" or "[x]".
  const bracket = marker[0].length - 3
  items.push({
    index: items.length,
    offset: at + bracket + 1,
    checked: item.checked === true,
    text: firstLine.slice(marker[0].length).trim(),
  })
  inside.cursor = at + firstLine.length
}

/**
 * The source with task `index` checked or unchecked (toggled when `checked` is not given), or
 * null when there is no such task (the text changed since it was rendered).
 */
export function toggleTask(source: string, index: number, checked?: boolean): string | null {
  const text = normalizeNewlines(source)
  const task = taskItems(text).find((item) => item.index === index)
  if (task === undefined) return null
  const next = checked ?? !task.checked
  return text.slice(0, task.offset) + (next ? 'x' : ' ') + text.slice(task.offset + 1)
}
