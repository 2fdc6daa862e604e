/**
 * The filter syntax that PostgREST defines and Realtime's postgres_changes borrows, read the same
 * way for REST and realtime: `[not.]operator.value`, lists as `in.(a,"b,c")`, `is.` keywords, and
 * separators that do not count inside double quotes or parentheses. Each server then applies its
 * own rules on top (which operators, how a single value is read), but never its own grammar.
 *
 * As PostgREST reads it: a list element is quoted when it starts with `"` and its closing quote
 * is followed by `,` or `)`; inside quotes a backslash takes the next character as it is; any
 * other element runs to the next `,` or `)` as written, quotes and backslashes included.
 * `is` takes null, not_null, true, false or unknown, in any case.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

const IS_VALUES = ['null', 'not_null', 'true', 'false', 'unknown'] as const
export type IsValue = (typeof IS_VALUES)[number]

/** Splits on `separator` where it is outside double quotes (with backslash escapes) and parentheses. */
export function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '\\') i++
      else if (ch === '"') quoted = false
    } else if (ch === '"') quoted = true
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

/** Reads a quoted value starting at `text[from]` (a `"`): its content and the index after the closing quote. */
function readQuoted(text: string, from: number): { value: string; end: number } | null {
  let value = ''
  for (let i = from + 1; i < text.length; i++) {
    const ch = text[i]
    if (ch === '"') return { value, end: i + 1 }
    if (ch === '\\') {
      if (i + 1 >= text.length) return null
      value += text[++i]
    } else {
      value += ch
    }
  }
  return null
}

/** `"a\"b"` → `a"b`; text that does not start with a quote is taken as it is. */
export function unquote(text: string): Parsed<string> {
  if (!text.startsWith('"')) return { ok: true, value: text }
  const quoted = readQuoted(text, 0)
  if (quoted === null) return { ok: false, reason: `unterminated quoted value ${text}` }
  if (quoted.end !== text.length) return { ok: false, reason: `unescaped quote inside ${text}` }
  return { ok: true, value: quoted.value }
}

/** `(a,"b,c",d)` → ['a', 'b,c', 'd']; `()` is the empty list. */
export function parseList(text: string): Parsed<string[]> {
  if (!text.startsWith('(') || !text.endsWith(')')) {
    return { ok: false, reason: `in needs a parenthesised list like in.(a,b), got "${text}"` }
  }
  if (text === '()') return { ok: true, value: [] }
  const values: string[] = []
  let i = 1
  for (;;) {
    const quoted = text[i] === '"' ? readQuoted(text, i) : null
    if (quoted !== null && (text[quoted.end] === ',' || text[quoted.end] === ')')) {
      values.push(quoted.value)
      i = quoted.end
    } else {
      let end = i
      while (end < text.length && text[end] !== ',' && text[end] !== ')') end++
      values.push(text.slice(i, end))
      i = end
    }
    if (text[i] === ',') {
      i++
      continue
    }
    // text[i] is the ')' that closes the list; anything after it is not part of the filter.
    if (i !== text.length - 1) return { ok: false, reason: `unexpected "${text.slice(i + 1)}" after the list in "${text}"` }
    return { ok: true, value: values }
  }
}

export function parseIsValue(text: string): Parsed<IsValue> {
  const keyword = IS_VALUES.find((value) => value === text.toLowerCase())
  return keyword === undefined
    ? { ok: false, reason: `is takes null, not_null, true, false or unknown, got "${text}"` }
    : { ok: true, value: keyword }
}

/** `not.in.(a,b)` → negated, operator `in`, value `(a,b)`; the value is still raw text. */
export interface Operation {
  negate: boolean
  operator: string
  /** Everything after the operator's dot; null when there is no dot. */
  value: string | null
}

export function splitOperation(text: string): Operation {
  const negate = text.startsWith('not.')
  const rest = negate ? text.slice(4) : text
  const dot = rest.indexOf('.')
  return dot === -1 ? { negate, operator: rest, value: null } : { negate, operator: rest.slice(0, dot), value: rest.slice(dot + 1) }
}
