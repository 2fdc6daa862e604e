/**
 * The inline content of a markdown paragraph, heading or table cell: code spans, emphasis and
 * strong emphasis (CommonMark's delimiter rules), strikethrough, links `[text](url "title")`,
 * autolinks (`<https://…>` and bare http(s)/www addresses), images (kept as their alt text and
 * address), hard breaks, backslash escapes and character references. Raw HTML stays text (an
 * HTML comment shows nowhere). One pass over the text plus one over its delimiters; nothing
 * backtracks, and links nest at most MAX_LINK_DEPTH deep.
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'em' | 'strong' | 'del'; children: Inline[] }
  | { kind: 'link'; href: string; title: string | null; children: Inline[] }
  | { kind: 'image'; href: string; title: string | null; alt: string }
  | { kind: 'break' }

const MAX_LINK_DEPTH = 8
/** Longest link destination or title read, and deepest parentheses in a destination (cmark's limit): bounds the scan from each `](`. */
const MAX_TARGET = 2048
const MAX_PARENTHESES = 32

const PUNCTUATION = /[!-/:-@[-`{-~\p{P}\p{S}]/u
const WHITESPACE = /\s/

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/** Character references in text, as a browser would show them (the common names; others stay as typed). */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{1,32});/g, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name] ?? whole
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd'
  })
}

/** A run of `*`, `_` or `~` that may open or close emphasis, as it sits in the output. */
interface Delimiter {
  char: string
  /** Characters of the run not yet used by a match. */
  count: number
  /** The run's length as written (CommonMark's "rule of 3" looks at it). */
  length: number
  canOpen: boolean
  canClose: boolean
  /** Index of the run's text node in `nodes`. */
  node: number
}

/**
 * The code span a backtick run opens: where the next run of exactly its length starts (or -1).
 * Runs are found as written, backslashes included, since a backslash is literal inside a span;
 * the parse asks only about runs it reaches outside spans. Starts are kept per length, in order,
 * and searched by halves.
 */
function codeSpans(text: string): (after: number, length: number) => number {
  const starts = new Map<number, number[]>()
  for (let i = text.indexOf('`'); i !== -1; i = text.indexOf('`', i)) {
    let end = i
    while (text[end] === '`') end++
    const list = starts.get(end - i) ?? []
    list.push(i)
    starts.set(end - i, list)
    i = end
  }
  return (after, length) => {
    const list = starts.get(length)
    if (list === undefined) return -1
    let low = 0
    let high = list.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (list[middle] < after) low = middle + 1
      else high = middle
    }
    return low < list.length ? list[low] : -1
  }
}

/** The matching `]` of each `[` (escapes skipped), found with one stack. */
function bracketPairs(text: string): Map<number, number> {
  const pairs = new Map<number, number>()
  const open: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (c === '[') open.push(i)
    else if (c === ']' && open.length > 0) pairs.set(open.pop()!, i)
  }
  return pairs
}

/** `(destination "title")` starting at `i`: the destination, title and the index after `)`, or null. */
function linkTarget(text: string, i: number): { href: string; title: string | null; end: number } | null {
  if (text[i] !== '(') return null
  let j = i + 1
  while (j < text.length && WHITESPACE.test(text[j])) j++
  let href = ''
  if (text[j] === '<') {
    const inside = text.slice(j + 1, j + 1 + MAX_TARGET)
    const close = inside.indexOf('>')
    if (close === -1 || inside.slice(0, close).includes('\n')) return null
    href = inside.slice(0, close)
    j = j + 1 + close + 1
  } else {
    let depth = 0
    const start = j
    for (; j < text.length; j++) {
      if (j - start > MAX_TARGET) return null
      const c = text[j]
      if (c === '\\' && j + 1 < text.length) j++
      else if (c === '(') {
        if (++depth > MAX_PARENTHESES) return null
      } else if (c === ')') {
        if (depth === 0) break
        depth--
      } else if (WHITESPACE.test(c) || c.charCodeAt(0) < 0x20) break
    }
    href = text.slice(start, j)
  }
  let title: string | null = null
  let k = j
  while (k < text.length && WHITESPACE.test(text[k])) k++
  if (k > j && (text[k] === '"' || text[k] === "'" || text[k] === '(')) {
    const closer = text[k] === '(' ? ')' : text[k]
    let end = k + 1
    while (end < text.length && end - k <= MAX_TARGET && text[end] !== closer) end += text[end] === '\\' ? 2 : 1
    if (end >= text.length || text[end] !== closer) return null
    title = unescape(text.slice(k + 1, end))
    k = end + 1
    while (k < text.length && WHITESPACE.test(text[k])) k++
  }
  if (text[k] !== ')') return null
  return { href: decodeEntities(unescape(href)), title: title === null ? null : decodeEntities(title), end: k + 1 }
}

const unescape = (text: string) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1')

const AUTOLINK = /^<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/
const EMAIL_AUTOLINK =
  /^<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/
const BARE_URL = /^(?:https?:\/\/|www\.)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*[^\s<]*/

/** A bare address without the punctuation that ends the sentence around it (and an unmatched `)`). */
function trimAddress(url: string): string {
  let end = url.length
  for (;;) {
    const c = url[end - 1]
    if ('?!.,:*_~\'"'.includes(c)) end--
    else if (c === ')') {
      const open = url.slice(0, end).split('(').length - 1
      const close = url.slice(0, end).split(')').length - 1
      if (close > open) end--
      else break
    } else break
  }
  return url.slice(0, end)
}

export function parseInline(text: string, depth = 0): Inline[] {
  const nodes: Inline[] = []
  const delimiters: Delimiter[] = []
  const closeOf = codeSpans(text)
  const brackets = bracketPairs(text)
  let commentsUnclosed = false
  // Text not yet emitted is always the source range [from, i): nothing is copied per character.
  let from = 0
  let i = 0
  const emit = (end: number, node: Inline, next: number) => {
    if (end > from) nodes.push({ kind: 'text', text: decodeEntities(text.slice(from, end)) })
    nodes.push(node)
    from = next
    i = next
  }
  while (i < text.length) {
    const c = text[i]
    if (c === '\\') {
      const next = text[i + 1]
      if (next === '\n') emit(i, { kind: 'break' }, i + 2)
      else if (next !== undefined && /[!-/:-@[-`{-~]/.test(next)) emit(i, { kind: 'text', text: next }, i + 2)
      else i++
      continue
    }
    if (c === '`') {
      let end = i
      while (text[end] === '`') end++
      const close = closeOf(end, end - i)
      if (close === -1) {
        i = end
        continue
      }
      let code = text.slice(end, close).replace(/\n/g, ' ')
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1)
      emit(i, { kind: 'code', text: code }, close + (end - i))
      continue
    }
    if (c === '\n') {
      // Two or more spaces before a line end are a hard break; the spaces around it are not shown.
      let spaces = 0
      while (i - spaces - 1 >= from && text[i - spaces - 1] === ' ') spaces++
      let next = i + 1
      while (text[next] === ' ') next++
      emit(i - spaces, spaces >= 2 ? { kind: 'break' } : { kind: 'text', text: '\n' }, next)
      continue
    }
    if (c === '*' || c === '_' || c === '~') {
      let end = i
      while (text[end] === c) end++
      const length = end - i
      const before = i === 0 ? ' ' : text[i - 1]
      const after = end >= text.length ? ' ' : text[end]
      const leftFlanking = !WHITESPACE.test(after) && (!PUNCTUATION.test(after) || WHITESPACE.test(before) || PUNCTUATION.test(before))
      const rightFlanking = !WHITESPACE.test(before) && (!PUNCTUATION.test(before) || WHITESPACE.test(after) || PUNCTUATION.test(after))
      let canOpen = leftFlanking
      let canClose = rightFlanking
      if (c === '_') {
        canOpen = leftFlanking && (!rightFlanking || PUNCTUATION.test(before))
        canClose = rightFlanking && (!leftFlanking || PUNCTUATION.test(after))
      }
      emit(i, { kind: 'text', text: text.slice(i, end) }, end)
      if ((canOpen || canClose) && (c !== '~' || length <= 2)) {
        delimiters.push({ char: c, count: length, length, canOpen, canClose, node: nodes.length - 1 })
      }
      continue
    }
    if (c === '[' || (c === '!' && text[i + 1] === '[')) {
      const open = c === '!' ? i + 1 : i
      const close = brackets.get(open)
      const target = close === undefined ? null : linkTarget(text, close + 1)
      if (close !== undefined && target !== null && depth < MAX_LINK_DEPTH) {
        const inner = text.slice(open + 1, close)
        const node: Inline =
          c === '!'
            ? { kind: 'image', href: target.href, title: target.title, alt: plainText(parseInline(inner, depth + 1)) }
            : { kind: 'link', href: target.href, title: target.title, children: parseInline(inner, depth + 1) }
        emit(i, node, target.end)
        continue
      }
      i = open + 1
      continue
    }
    if (c === '<') {
      const rest = text.slice(i, i + 2048)
      const auto = AUTOLINK.exec(rest) ?? EMAIL_AUTOLINK.exec(rest)
      if (auto !== null) {
        const address = auto[1]
        const href = address.includes('@') && !address.includes(':') ? `mailto:${address}` : address
        emit(i, { kind: 'link', href, title: null, children: [{ kind: 'text', text: address }] }, i + auto[0].length)
        continue
      }
      if (rest.startsWith('<!--') && !commentsUnclosed) {
        const end = text.indexOf('-->', i + 4)
        // Once no comment closes, none after it will: do not search again.
        commentsUnclosed = end === -1
        if (end !== -1) {
          if (i > from) nodes.push({ kind: 'text', text: decodeEntities(text.slice(from, i)) })
          from = i = end + 3
          continue
        }
      }
      i++
      continue
    }
    if ((c === 'h' || c === 'w') && (i === 0 || /[\s*_~(]/.test(text[i - 1]))) {
      const bare = BARE_URL.exec(text.slice(i, i + 4096))
      if (bare !== null) {
        const address = trimAddress(bare[0])
        const href = address.startsWith('www.') ? `http://${address}` : address
        emit(i, { kind: 'link', href, title: null, children: [{ kind: 'text', text: address }] }, i + address.length)
        continue
      }
    }
    i++
  }
  if (text.length > from) nodes.push({ kind: 'text', text: decodeEntities(text.slice(from)) })
  return emphasis(nodes, delimiters)
}

/** A node in the list emphasis pairing rewires: a run's text cell, or any other inline. */
interface Cell {
  node: Inline
  delimiter: Delimiter | null
  previous: Cell | null
  next: Cell | null
}

/** A delimiter run's characters not used by a match, as text. */
const leftover = (delimiter: Delimiter): Inline => ({ kind: 'text', text: delimiter.char.repeat(delimiter.count) })

/**
 * Pairs emphasis delimiters (CommonMark's "process emphasis"): each closer, left to right, takes
 * the nearest opener of its character that may pair with it, and the nodes between become the
 * emphasis' children (moved once, out of a linked list). A failed search remembers how far down
 * it looked for that kind of closer, so the pass stays linear.
 */
function emphasis(nodes: Inline[], delimiters: Delimiter[]): Inline[] {
  const cells: Cell[] = nodes.map((node) => ({ node, delimiter: null, previous: null, next: null }))
  for (let n = 1; n < cells.length; n++) {
    cells[n].previous = cells[n - 1]
    cells[n - 1].next = cells[n]
  }
  const cellOf = new Map<Delimiter, Cell>()
  for (const delimiter of delimiters) {
    cells[delimiter.node].delimiter = delimiter
    cellOf.set(delimiter, cells[delimiter.node])
  }
  const stack: Delimiter[] = []
  const bottom = new Map<string, number>()
  for (const closer of delimiters) {
    const key = `${closer.char}${closer.canOpen}${closer.length % 3}`
    while (closer.canClose && closer.count > 0) {
      let found = -1
      for (let s = stack.length - 1; s >= (bottom.get(key) ?? 0); s--) {
        const opener = stack[s]
        if (opener.char !== closer.char || opener.count === 0) continue
        if (closer.char === '~' ? opener.length !== closer.length : oddMatch(opener, closer)) continue
        found = s
        break
      }
      if (found === -1) {
        bottom.set(key, stack.length)
        break
      }
      const opener = stack[found]
      const used = closer.char === '~' ? opener.count : opener.count >= 2 && closer.count >= 2 ? 2 : 1
      opener.count -= used
      closer.count -= used
      const from = cellOf.get(opener)!
      const to = cellOf.get(closer)!
      const children: Inline[] = []
      for (let cell = from.next; cell !== null && cell !== to; cell = cell.next) {
        // An unmatched run inside is literal text now.
        children.push(cell.delimiter === null ? cell.node : leftover(cell.delimiter))
        if (cell.delimiter !== null) cell.delimiter.count = 0
      }
      const kind = closer.char === '~' ? 'del' : used === 2 ? 'strong' : 'em'
      const wrapper: Cell = { node: { kind, children: mergeText(children) }, delimiter: null, previous: from, next: to }
      from.next = wrapper
      to.previous = wrapper
      stack.length = opener.count > 0 ? found + 1 : found
      for (const [name, floor] of bottom) if (floor > stack.length) bottom.set(name, stack.length)
    }
    if (closer.canOpen && closer.count > 0) stack.push(closer)
  }
  const out: Inline[] = []
  for (let cell: Cell | null = cells[0] ?? null; cell !== null; cell = cell.next) {
    if (cell.delimiter === null) out.push(cell.node)
    else if (cell.delimiter.count > 0) out.push(leftover(cell.delimiter))
  }
  return mergeText(out)
}

/** CommonMark's rule of 3: a run that can both open and close pairs only when the lengths allow. */
function oddMatch(opener: Delimiter, closer: Delimiter): boolean {
  return (
    (opener.canClose || closer.canOpen) &&
    (opener.length + closer.length) % 3 === 0 &&
    !(opener.length % 3 === 0 && closer.length % 3 === 0)
  )
}

function mergeText(nodes: Inline[]): Inline[] {
  const out: Inline[] = []
  for (const node of nodes) {
    const last = out[out.length - 1]
    if (node.kind === 'text' && last !== undefined && last.kind === 'text')
      out[out.length - 1] = { kind: 'text', text: last.text + node.text }
    else out.push(node)
  }
  return out
}

/** The text an inline run shows, for an image's alt text. */
function plainText(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text' || node.kind === 'code') return node.text
      if (node.kind === 'break') return '\n'
      if (node.kind === 'image') return node.alt
      return plainText(node.children)
    })
    .join('')
}
