import type { Template } from '../schema/template.ts'
import { splitIntent, type TypedPair } from './pairs.ts'
import { inputsFromPairs, recognizeChoices } from './recognize.ts'
import { vocabularyScore } from './score.ts'
import { ENVIRONMENT_SYNONYMS, normalizeSeverity } from './vocabulary.ts'
import { pairNotes } from './notes.ts'
import { words } from './words.ts'

/** A template the intent parser may choose, under the slug it is stored as. */
export interface IntentTemplate {
  slug: string
  template: Template
}

export interface IntentSuggestion {
  slug: string
  title: string
  score: number
}

export interface IntentResult {
  slug: string | null
  templateTitle: string | null
  /** The environment the run would get: typed, or the env input's default. */
  env: string | null
  /** Values the text gave, by input key (defaults are not filled in). */
  inputs: Record<string, string | number | boolean>
  /** Required inputs with no value in the text and no default. */
  missing: string[]
  /** 0 when nothing was recognised, 1 for an exact, unambiguous match. */
  confidence: number
  /** Up to three close templates, when the choice is unsure or there is none. */
  suggestions: IntentSuggestion[]
  /** key=value pairs that name no input of the chosen template. */
  unknownPairs: TypedPair[]
  /**
   * What the parser left out of, or changed in, a typed value, one sentence each naming the input,
   * the value and why ("Git ref: used “bad”; “ref!” after it was left out …").
   */
  notes: string[]
}

/** Below this a template is only suggested, not chosen. */
const CHOOSE_AT = 0.5
/** Below this the result also lists suggestions. */
const SURE_AT = 0.75
/** Each choice input recognised (other than env, which most templates share) is this much evidence, up to two. */
const CHOICE_EVIDENCE = 0.2

/**
 * Reads free text like "deploy web to prod ref=v2.3" or "open a sev2 incident: checkout errors"
 * into a template and input values. Deterministic and offline; ties go to the smaller slug.
 */
export function parseIntent(text: string, templates: readonly IntentTemplate[]): IntentResult {
  const { pairs, head, tail } = splitIntent(typeof text === 'string' ? text : '')
  const headWords = words(head)
  const tailWords = words(tail)

  let ranked = rank(templates, headWords)
  if ((ranked[0]?.score ?? 0) < CHOOSE_AT && tailWords.length > 0) ranked = rank(templates, [...headWords, ...tailWords])
  const best = ranked[0]
  const suggestions = ranked
    .filter((entry) => entry.score > 0)
    .slice(0, 3)
    .map(({ slug, template, score }) => ({ slug, title: template.title, score }))

  if (best === undefined || best.score < CHOOSE_AT) {
    return {
      slug: null,
      templateTitle: null,
      env: null,
      inputs: {},
      missing: [],
      confidence: 0,
      suggestions,
      unknownPairs: pairs.map(({ key, value }) => ({ key, value })),
      notes: [],
    }
  }

  const { template } = best
  const inputs: Record<string, string | number | boolean> = {}
  const fromPairs = inputsFromPairs(template, pairs)

  // The text after a colon is the free-text input still empty ("…: checkout errors"); a
  // template without one reads it like the rest of the sentence.
  const freeText = template.inputs.find(
    (input) => input.type === 'string' && input.required && input.default === undefined && !fromPairs.values.has(input.key),
  )
  const typed = freeText !== undefined || tailWords.length === 0 ? headWords : [...headWords, ...tailWords]
  for (const [key, option] of recognizeChoices(template, normalizeSeverity(typed))) inputs[key] = option
  if (freeText !== undefined && tail !== '') inputs[freeText.key] = tail
  // Typed pairs are the most explicit, so they override words.
  for (const [key, value] of fromPairs.values) inputs[key] = value

  const second = ranked[1]
  const ambiguous = second !== undefined && second.score >= best.score - 0.1
  const confidence = round(ambiguous ? best.score * 0.6 : best.score)
  const envInput = template.inputs.find((input) => input.key === 'env')
  const env = inputs.env ?? envInput?.default ?? mentionedEnvironment(typed)

  return {
    slug: best.slug,
    templateTitle: template.title,
    env: env === null ? null : String(env),
    inputs,
    missing: template.inputs
      .filter((input) => input.required && input.default === undefined && inputs[input.key] === undefined)
      .map((input) => input.key),
    confidence,
    suggestions: confidence < SURE_AT ? suggestions : [],
    unknownPairs: fromPairs.unknown,
    notes: pairNotes(best.slug, template, fromPairs.matched),
  }
}

function rank(templates: readonly IntentTemplate[], typed: string[]): Array<IntentTemplate & { score: number }> {
  const severityTyped = normalizeSeverity(typed)
  return templates
    .map(({ slug, template }) => {
      const vocabulary = Math.max(vocabularyScore(slug, template, typed), vocabularyScore(slug, template, severityTyped))
      const choices = [...recognizeChoices(template, severityTyped).keys()].filter((key) => key !== 'env').length
      // Combined like independent clues: option words firm up a match but never make one certain.
      const evidence = CHOICE_EVIDENCE * Math.min(2, choices)
      const score = round(1 - (1 - vocabulary) * (1 - evidence))
      return { slug, template, score }
    })
    .sort((a, b) => b.score - a.score || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
}

/** For templates without an env input, an environment named in the text, last mention first. */
function mentionedEnvironment(typed: readonly string[]): string | null {
  for (let i = typed.length - 1; i >= 0; i--) {
    const env = ENVIRONMENT_SYNONYMS[typed[i]]
    if (env !== undefined) return env
  }
  return null
}

function round(score: number): number {
  return Math.round(score * 100) / 100
}
