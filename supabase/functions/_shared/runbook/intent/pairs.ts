import { straightenQuotes } from './words.ts'

export interface TypedPair {
  key: string
  value: string
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
  const rest = straightenQuotes(text).replace(PAIR, (_all, key: string, double?: string, single?: string, bare?: string) => {
    if (bare === undefined) {
      pairs.push({ key, value: double ?? single ?? '' })
      return ' '
    }
    // Sentence punctuation after a bare value is not part of it ("ref=v2.3," means "v2.3"),
    // and a colon there still starts the free text.
    const value = bare.replace(/[.,;:!?)]+$/, '')
    pairs.push({ key, value })
    return ` ${bare.slice(value.length)}`
  })
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
