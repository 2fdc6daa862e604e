/**
 * The block structure of a markdown document (CommonMark with GitHub's tables and task items):
 * headings, paragraphs, lists, code, quotes, tables, rules and raw HTML, each paragraph-like text
 * kept as a string for the inline pass (inline.ts). Our own small parser rather than a library, so
 * the Spec Kit preview ships only what it shows. Every pass is a loop over lines; containers
 * (quotes, list items) recurse on their inner lines, at most MAX_DEPTH deep: deeper nesting is
 * shown as the text written, so a hostile document cannot exhaust the stack.
 */

type Align = 'left' | 'center' | 'right' | null

/** A task item's checkbox: where its `[ ]` is in the source, so a click flips exactly that. */
interface TaskMarker {
  checked: boolean
  /** Offset in the (newline-normalised) source of the character between the brackets. */
  offset: number
  /** The item's first line without its marker, for labelling the checkbox. */
  text: string
}

export interface ListItem {
  task: TaskMarker | null
  blocks: Block[]
}

export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'list'; ordered: boolean; start: number; loose: boolean; items: ListItem[] }
  | { kind: 'rule' }
  | { kind: 'table'; align: Align[]; head: string[]; rows: string[][] }
  | { kind: 'html'; text: string }

/** Quotes and list items nested deeper than this are shown as their text. */
export const MAX_DEPTH = 48

/** A line of a container's content: its text and where that text starts in the source. */
interface Line {
  s: string
  at: number
}

export function parseBlocks(source: string): Block[] {
  const lines: Line[] = []
  let at = 0
  for (const s of source.split('\n')) {
    lines.push({ s, at })
    at += s.length + 1
  }
  return blocks(lines, 0)
}

const isBlank = (s: string) => /^[ \t]*$/.test(s)

/** Indentation deeper than this counts as this: every comparison made is with a few columns. */
const MAX_INDENT = 64

/** Columns of leading whitespace (a tab to the next multiple of 4), up to MAX_INDENT. */
function indentOf(s: string): number {
  let column = 0
  for (let i = 0; i < s.length && column < MAX_INDENT; i++) {
    const c = s[i]
    if (c === ' ') column++
    else if (c === '\t') column += 4 - (column % 4)
    else break
  }
  return column
}

/** The line without `columns` columns of leading whitespace (a tab split into the spaces left over). */
function dedent(line: Line, columns: number): Line {
  let column = 0
  let i = 0
  while (i < line.s.length && column < columns) {
    const c = line.s[i]
    if (c === ' ') column++
    else if (c === '\t') {
      const width = 4 - (column % 4)
      if (column + width > columns) return { s: ' '.repeat(column + width - columns) + line.s.slice(i + 1), at: line.at + i + 1 }
      column += width
    } else break
    i++
  }
  return { s: line.s.slice(i), at: line.at + i }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$/
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/
const QUOTE = /^ {0,3}>/
const BULLET = /^( {0,3})([-+*])([ \t]|$)/
const ORDERED = /^( {0,3})(\d{1,9})([.)])([ \t]|$)/
const TASK = /^\[([ xX])\][ \t]+(?=\S)/
const HTML_RAW = /^ {0,3}<(script|pre|style|textarea)(?=[\s>]|$)/i
const HTML_BLOCK =
  /^ {0,3}<\/?(address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?=[\s/>]|$)/i
const HTML_TAG =
  /^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>|<\/[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$/

interface ListMarker {
  ordered: boolean
  /** The bullet character, or the ordered delimiter (`.` or `)`). */
  symbol: string
  start: number
  /** Columns from the line's start to the item's content. */
  width: number
  /** Nothing after the marker on its line. */
  empty: boolean
  /** Characters up to the end of the marker, and the columns of whitespace after it that belong to it. */
  markerEnd: number
  gap: number
}

function listMarker(s: string): ListMarker | null {
  const bullet = BULLET.exec(s)
  const ordered = bullet === null ? ORDERED.exec(s) : null
  const match = bullet ?? ordered
  if (match === null) return null
  // A rule made of the bullet character is a rule, not an item.
  if (bullet !== null && RULE.test(s)) return null
  const markerEnd = match[0].length - match[match.length - 1].length
  const rest = s.slice(markerEnd)
  const empty = isBlank(rest)
  const spaces = indentOf(rest)
  // One to four spaces after the marker belong to it; five or more mean indented code (one counts).
  const gap = empty || spaces > 4 ? 1 : spaces
  const width = indentOf(s.slice(0, markerEnd).replace(/./g, ' ')) + gap
  return ordered !== null
    ? { ordered: true, symbol: ordered[3], start: Number(ordered[2]), width, empty, markerEnd, gap }
    : { ordered: false, symbol: bullet![2], start: 1, width, empty, markerEnd, gap }
}

/** Whether a line starts a block that ends a paragraph before it (so it is not a continuation line). */
function interruptsParagraph(s: string): boolean {
  if (indentOf(s) >= 4) return false
  if (
    FENCE.test(s) ||
    ATX.test(s) ||
    RULE.test(s) ||
    QUOTE.test(s) ||
    HTML_RAW.test(s) ||
    HTML_BLOCK.test(s) ||
    s.trimStart().startsWith('<!--')
  ) {
    return true
  }
  const marker = listMarker(s)
  return marker !== null && !marker.empty && (!marker.ordered || marker.start === 1)
}

/** The cells of a table row: split on pipes that are not escaped, outer pipes dropped, each trimmed. */
function splitRow(s: string): string[] {
  const cells: string[] = []
  let cell = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '\\' && s[i + 1] === '|') {
      cell += '|'
      i++
    } else if (c === '|') {
      cells.push(cell)
      cell = ''
    } else cell += c
  }
  cells.push(cell)
  const trimmed = s.trim()
  if (trimmed.startsWith('|')) cells.shift()
  if (trimmed.endsWith('|') && !trimmed.endsWith('\\|') && cells.length > 0) cells.pop()
  return cells.map((value) => value.trim())
}

/** The alignments of a table's delimiter row (`| :-- | :-: |`), or null when the line is not one. */
function delimiterRow(s: string): Align[] | null {
  if (indentOf(s) >= 4 || !/^[ \t|:-]+$/.test(s) || !s.includes('-')) return null
  const cells = splitRow(s)
  const align: Align[] = []
  for (const cell of cells) {
    if (!/^:?-+:?$/.test(cell)) return null
    const left = cell.startsWith(':')
    const right = cell.endsWith(':')
    align.push(left && right ? 'center' : right ? 'right' : left ? 'left' : null)
  }
  return align
}

/** A table whose header is `lines[i]` and delimiter row `lines[i + 1]`, and the index after it, or null. */
function table(lines: Line[], i: number): { block: Block; next: number } | null {
  const header = lines[i].s
  if (!header.includes('|') || i + 1 >= lines.length || indentOf(header) >= 4) return null
  const align = delimiterRow(lines[i + 1].s)
  const head = splitRow(header)
  if (align === null || align.length !== head.length) return null
  const rows: string[][] = []
  let next = i + 2
  while (next < lines.length && !isBlank(lines[next].s) && !interruptsParagraph(lines[next].s)) {
    const cells = splitRow(lines[next].s)
    rows.push(head.map((_, column) => cells[column] ?? ''))
    next++
  }
  return { block: { kind: 'table', align, head, rows }, next }
}

function blocks(lines: Line[], depth: number): Block[] {
  const out: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    const s = line.s
    if (isBlank(s)) {
      i++
      continue
    }
    const indent = indentOf(s)
    if (indent >= 4) {
      // Indented code, up to the last non-blank line indented as much.
      const code: string[] = []
      let end = i
      while (end < lines.length && (isBlank(lines[end].s) || indentOf(lines[end].s) >= 4)) end++
      while (end > i && isBlank(lines[end - 1].s)) end--
      for (let j = i; j < end; j++) code.push(dedent(lines[j], 4).s)
      out.push({ kind: 'code', text: code.join('\n') })
      i = end
      continue
    }
    const fence = FENCE.exec(s)
    if (fence !== null && !(fence[1][0] === '`' && fence[2].includes('`'))) {
      const close = new RegExp(`^ {0,3}${fence[1][0] === '`' ? '`' : '~'}{${fence[1].length},}[ \\t]*$`)
      const code: string[] = []
      let j = i + 1
      for (; j < lines.length && !close.test(lines[j].s); j++) code.push(dedent(lines[j], indent).s)
      out.push({ kind: 'code', text: code.join('\n') })
      i = j + 1
      continue
    }
    const atx = ATX.exec(s)
    if (atx !== null) {
      const text = atx[2].replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim()
      out.push({ kind: 'heading', level: atx[1].length, text })
      i++
      continue
    }
    if (RULE.test(s)) {
      out.push({ kind: 'rule' })
      i++
      continue
    }
    if (QUOTE.test(s)) {
      i = quote(lines, i, depth, out)
      continue
    }
    const marker = listMarker(s)
    if (marker !== null) {
      i = list(lines, i, marker, depth, out)
      continue
    }
    if (HTML_RAW.test(s) || HTML_BLOCK.test(s) || HTML_TAG.test(s) || s.trimStart().startsWith('<!--')) {
      i = html(lines, i, out)
      continue
    }
    const found = table(lines, i)
    if (found !== null) {
      out.push(found.block)
      i = found.next
      continue
    }
    i = paragraph(lines, i, out)
  }
  return out
}

function paragraph(lines: Line[], i: number, out: Block[]): number {
  const text: string[] = [lines[i].s.trimStart()]
  let j = i + 1
  for (; j < lines.length; j++) {
    const s = lines[j].s
    if (isBlank(s)) break
    const setext = SETEXT.exec(s)
    if (setext !== null) {
      out.push({ kind: 'heading', level: setext[1][0] === '=' ? 1 : 2, text: text.join('\n').trim() })
      return j + 1
    }
    if (interruptsParagraph(s)) break
    // A table interrupts a paragraph: its last line becomes the header.
    if (s.includes('|') && j + 1 < lines.length && delimiterRow(lines[j + 1].s) !== null) {
      const found = table(lines, j)
      if (found !== null) {
        out.push({ kind: 'paragraph', text: text.join('\n').trimEnd() })
        out.push(found.block)
        return found.next
      }
    }
    text.push(s.trimStart())
  }
  out.push({ kind: 'paragraph', text: text.join('\n').trimEnd() })
  return j
}

/** Whether `lines[j]` continues a paragraph left open in a container (a lazy line, CommonMark's term). */
function isLazy(lines: Line[], j: number, inner: Line[]): boolean {
  const s = lines[j].s
  if (isBlank(s) || interruptsParagraph(s) || inner.length === 0) return false
  const last = inner[inner.length - 1].s
  return !isBlank(last) && indentOf(last) < 4 && !FENCE.test(last) && !RULE.test(last) && !ATX.test(last)
}

function quote(lines: Line[], i: number, depth: number, out: Block[]): number {
  const inner: Line[] = []
  let j = i
  for (; j < lines.length; j++) {
    const line = lines[j]
    if (QUOTE.test(line.s)) {
      const after = dedent(line, indentOf(line.s))
      const rest = { s: after.s.slice(1), at: after.at + 1 }
      inner.push(rest.s.startsWith(' ') || rest.s.startsWith('\t') ? dedent(rest, 1) : rest)
    } else if (isLazy(lines, j, inner)) inner.push(line)
    else break
  }
  if (depth >= MAX_DEPTH)
    out.push({
      kind: 'paragraph',
      text: lines
        .slice(i, j)
        .map((line) => line.s.trim())
        .join('\n'),
    })
  else out.push({ kind: 'quote', blocks: blocks(inner, depth + 1) })
  return j
}

function sameList(a: ListMarker, b: ListMarker): boolean {
  return a.ordered === b.ordered && a.symbol === b.symbol
}

function list(lines: Line[], i: number, first: ListMarker, depth: number, out: Block[]): number {
  const items: ListItem[] = []
  let loose = false
  let j = i
  let marker: ListMarker | null = first
  while (marker !== null) {
    const line = lines[j]
    const content = dedent({ s: line.s.slice(marker.markerEnd), at: line.at + marker.markerEnd }, marker.gap)
    const inner: Line[] = [marker.empty ? { s: '', at: content.at } : content]
    let task: TaskMarker | null = null
    const checkbox = TASK.exec(content.s)
    if (checkbox !== null) {
      task = { checked: checkbox[1] !== ' ', offset: content.at + 1, text: content.s.slice(checkbox[0].length).trim() }
      inner[0] = { s: content.s.slice(checkbox[0].length), at: content.at + checkbox[0].length }
    }
    j++
    let blankInside = false
    for (; j < lines.length; j++) {
      const s = lines[j].s
      if (isBlank(s)) {
        // An empty item ends at its first blank line.
        if (marker.empty && inner.length === 1) break
        inner.push({ s: '', at: lines[j].at })
        continue
      }
      if (indentOf(s) >= marker.width) {
        if (inner.length > 1 && isBlank(inner[inner.length - 1].s)) blankInside = true
        inner.push(dedent(lines[j], marker.width))
      } else if (!isBlank(inner[inner.length - 1].s) && isLazy(lines, j, inner) && listMarker(s) === null) {
        inner.push(lines[j])
      } else break
    }
    // Blank lines at the end belong between this item and the next, not inside it.
    let trailing = 0
    while (inner.length > 1 && isBlank(inner[inner.length - 1].s)) {
      inner.pop()
      trailing++
    }
    const next = j < lines.length ? listMarker(lines[j].s) : null
    const continues = next !== null && sameList(first, next)
    if (trailing > 0 && continues) loose = true
    const itemBlocks =
      depth >= MAX_DEPTH ? [{ kind: 'paragraph' as const, text: inner.map((l) => l.s.trim()).join('\n') }] : blocks(inner, depth + 1)
    if (blankInside && itemBlocks.length > 1) loose = true
    items.push({ task, blocks: itemBlocks })
    if (!continues) {
      // The blank lines after the last item are not the list's.
      j -= trailing
      break
    }
    marker = next
  }
  out.push({ kind: 'list', ordered: first.ordered, start: first.start, loose, items })
  return j
}

function html(lines: Line[], i: number, out: Block[]): number {
  const s = lines[i].s
  const raw = HTML_RAW.exec(s)
  const comment = raw === null && s.trimStart().startsWith('<!--')
  const end = raw !== null ? new RegExp(`</${raw[1]}>`, 'i') : comment ? /-->/ : null
  let j = i
  if (end !== null) {
    while (j < lines.length && !end.test(j === i ? lines[j].s.slice(s.indexOf('<') + 1) : lines[j].s)) j++
    j = Math.min(j + 1, lines.length)
  } else {
    while (j < lines.length && !isBlank(lines[j].s)) j++
  }
  out.push({
    kind: 'html',
    text: lines
      .slice(i, j)
      .map((line) => line.s)
      .join('\n'),
  })
  return j
}
