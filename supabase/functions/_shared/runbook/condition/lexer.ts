/** Tokens of the approval condition language, e.g. `env == 'production' and not inputs.dry_run`. */
export type TokenType =
  'name' | 'string' | 'number' | 'boolean' | 'and' | 'or' | 'not' | 'in' | '==' | '!=' | '(' | ')' | '[' | ']' | ',' | 'end'

/** Tokens with no value of their own: names, keywords, symbols and the end. */
type PlainTokenType = Exclude<TokenType, 'string' | 'number' | 'boolean'>

/** A token; literals carry their value, typed by the kind of literal. */
export type Token = {
  /** The source text of the token. */
  text: string
  start: number
  end: number
} & ({ type: 'string'; value: string } | { type: 'number'; value: number } | { type: 'boolean'; value: boolean } | { type: PlainTokenType })

/** A condition that cannot be read; `offset` is inside the condition text. */
export class ConditionSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly expected?: string,
  ) {
    super(reason)
  }
}

const KEYWORDS: Record<string, 'and' | 'or' | 'not' | 'in' | 'boolean'> = {
  and: 'and',
  or: 'or',
  not: 'not',
  in: 'in',
  true: 'boolean',
  false: 'boolean',
}
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y
const NUMBER = /-?\d+(?:\.\d+)?/y
const SYMBOLS: Array<[string, PlainTokenType]> = [
  ['==', '=='],
  ['!=', '!='],
  ['&&', 'and'],
  ['||', 'or'],
  ['!', 'not'],
  ['(', '('],
  [')', ')'],
  ['[', '['],
  [']', ']'],
  [',', ','],
]

export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  const sticky = (pattern: RegExp): string | null => {
    pattern.lastIndex = at
    const match = pattern.exec(source)
    return match === null ? null : match[0]
  }

  while (at < source.length) {
    const c = source[at]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      at++
      continue
    }
    if (c === "'" || c === '"') {
      const { value, end } = readString(source, at)
      tokens.push({ type: 'string', text: source.slice(at, end), value, start: at, end })
      at = end
      continue
    }
    const number = sticky(NUMBER)
    if (number !== null) {
      tokens.push({ type: 'number', text: number, value: Number(number), start: at, end: at + number.length })
      at += number.length
      continue
    }
    const name = sticky(NAME)
    if (name !== null) {
      const keyword = KEYWORDS[name.toLowerCase()]
      const span = { text: name, start: at, end: at + name.length }
      tokens.push(
        keyword === 'boolean' ? { type: 'boolean', value: name.toLowerCase() === 'true', ...span } : { type: keyword ?? 'name', ...span },
      )
      at += name.length
      continue
    }
    const symbol = SYMBOLS.find(([text]) => source.startsWith(text, at))
    if (symbol !== undefined) {
      tokens.push({ type: symbol[1], text: symbol[0], start: at, end: at + symbol[0].length })
      at += symbol[0].length
      continue
    }
    if (c === '=') throw new ConditionSyntaxError(at, '"=" is not a comparison', '"==" to compare')
    throw new ConditionSyntaxError(at, `unexpected character "${c}"`, 'names, quoted text, numbers, ==, !=, in, not, and, or, ( )')
  }
  tokens.push({ type: 'end', text: '', start: source.length, end: source.length })
  return tokens
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start]
  let value = ''
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i]
    if (c === '\\' && i + 1 < source.length) {
      value += source[++i]
    } else if (c === quote) {
      return { value, end: i + 1 }
    } else {
      value += c
    }
  }
  throw new ConditionSyntaxError(start, 'a quoted text is never closed', `a closing ${quote}`)
}
