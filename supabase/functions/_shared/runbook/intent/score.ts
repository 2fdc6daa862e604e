import type { Template } from '../schema/template.ts'
import { phraseStrength } from './phrases.ts'
import { STOPWORDS } from './vocabulary.ts'
import { words } from './words.ts'

/** How much a match on each source of words counts towards choosing a template. */
const WEIGHTS = { intent: 1, slug: 0.7, title: 0.5 } as const

/**
 * How strongly the typed words name a template: its best match among its intents (words and
 * phrases), the words of its slug and kind, and the words of its title.
 */
export function vocabularyScore(slug: string, template: Template, typed: readonly string[]): number {
  const items: Array<[string[], number]> = [
    ...template.intents.map((intent): [string[], number] => [words(intent), WEIGHTS.intent]),
    ...[...words(slug), ...words(template.kind)].map((word): [string[], number] => [[word], WEIGHTS.slug]),
    ...words(template.title)
      .filter((word) => !STOPWORDS.has(word))
      .map((word): [string[], number] => [[word], WEIGHTS.title]),
  ]
  let best = 0
  for (const [phrase, weight] of items) best = Math.max(best, weight * phraseStrength(phrase, typed))
  return best
}
