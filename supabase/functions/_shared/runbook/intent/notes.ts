/**
 * What the intent parser did to a typed key=value pair that a person would not expect: a bare
 * value ends at the first space ("ref=bad ref!" gives "bad"), loses punctuation at its end, or a
 * choice becomes its closest option. Each becomes a sentence naming the input, the value and why,
 * so nothing typed is dropped or changed silently.
 */
import type { InputDefinition } from '../schema/input.ts'
import type { Template } from '../schema/template.ts'
import type { TypedPair } from './pairs.ts'
import { OPTION_SYNONYMS, STOPWORDS } from './vocabulary.ts'
import { words } from './words.ts'

interface MatchedPair {
  pair: TypedPair
  input: InputDefinition
  value: string | number | boolean
  closest: boolean
}

/** Punctuation that only ends a sentence ("ref=v2.3, to staging"): cutting it changes nothing meant. */
const SENTENCE_END = /^[.,;:)]+$/

export function pairNotes(slug: string, template: Template, matched: readonly MatchedPair[]): string[] {
  const known = knownWords(slug, template)
  const notes: string[] = []
  for (const { pair, input, value, closest } of matched) {
    const label = input.label || input.key
    if (closest) notes.push(`${label}: “${pair.value}” read as “${String(value)}”, the closest option`)
    if (!pair.bare) continue
    const leftOut = unknownLead(pair.after ?? '', known)
    if (leftOut !== '') {
      notes.push(
        `${label}: used “${pair.value}”; “${leftOut}” after it was left out ` +
          `(a value ends at a space; quote it, ${pair.key}="${pair.value}${pair.cut ?? ''} ${leftOut}", to keep it whole)`,
      )
    } else if (pair.cut !== undefined && !SENTENCE_END.test(pair.cut)) {
      notes.push(`${label}: used “${pair.value}”; “${pair.cut}” at its end was left out`)
    }
  }
  return notes
}

/** The typed tokens after a value, up to the last one with a word the parser does not know; "" when all are known. */
function unknownLead(after: string, known: ReadonlySet<string>): string {
  const tokens = after.split(/\s+/).filter((token) => token !== '')
  let last = -1
  tokens.forEach((token, i) => {
    if (words(token).some((word) => !known.has(word))) last = i
  })
  return tokens.slice(0, last + 1).join(' ')
}

/** Words the parser reads for something: the template's own words, its options, synonyms and filler. */
function knownWords(slug: string, template: Template): Set<string> {
  const known = new Set<string>([
    ...STOPWORDS,
    ...Object.keys(OPTION_SYNONYMS),
    ...words(slug),
    ...words(template.kind),
    ...words(template.title),
  ])
  for (const intent of template.intents) for (const word of words(intent)) known.add(word)
  for (const input of template.inputs) for (const option of input.options ?? []) for (const word of words(option)) known.add(word)
  return known
}
