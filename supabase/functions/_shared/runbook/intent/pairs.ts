import { straightenQuotes } from './words.ts'

export interface TypedPair {
  key: string
  value: string
  /** A bare (unquoted) value: it ends at the first space. */
  bare?: boolean
  /** Punctuation cut from the end of a bare value ("!" of "ref=v2!"). */
  cut?: string
  /** The text after a bare value, up to the next pair, colon or the end: words that may have been meant as part of it. */
  after?: string
}

export interface IntentParts {
  /** key=value, key="quoted value" and key='quoted value' pairs, in the order typed. */
  pairs: TypedPair[]
  /** The text before the first colon, pairs removed: it says what to do. */
  head: string
  /** The text after the first colon, pairs removed, trimmed; "" when there is no colon. */
  tail: string
}

const PAIR = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g

/** Splits typed text into explicit pairs and the free text around them. */
export function splitIntent(text: string): IntentParts {
  const pairs: TypedPair[] = []
  const straight = straightenQuotes(text)
  const rest = straight.replace(
    PAIR,
    (all: string, key: string, double: string | undefined, single: string | undefined, bare: string | undefined, offset: number) => {
      if (bare === undefined) {
        pairs.push({ key, value: double ?? single ?? '' })
        return ' '
      }
      // Sentence punctuation after a bare value is not part of it ("ref=v2.3," means "v2.3"),
      // and a colon there still starts the free text.
      const value = bare.replace(/[.,;:!?)]+$/, '')
      const cut = bare.slice(value.length)
      const following = straight.slice(offset + all.length)
      const end = following.search(/[A-Za-z_][A-Za-z0-9_-]*\s*=|:/)
      const after = (end === -1 ? following : following.slice(0, end)).trim()
      pairs.push({ key, value, bare: true, ...(cut === '' ? {} : { cut }), ...(after === '' ? {} : { after }) })
      return ` ${cut}`
    },
  )
  const colon = rest.indexOf(':')
  if (colon === -1) return { pairs, head: rest, tail: '' }
  return {
    pairs,
    head: rest.slice(0, colon),
    tail: rest
      .slice(colon + 1)
      .trim()
      .replace(/\s+/g, ' '),
  }
}
