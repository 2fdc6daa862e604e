import { coerceInput } from '../inputs.ts'
import type { InputDefinition } from '../schema/input.ts'
import type { Template } from '../schema/template.ts'
import { wordSimilarity } from './distance.ts'
import type { TypedPair } from './pairs.ts'
import { findPhrase } from './phrases.ts'
import { OPTION_SYNONYMS, normalizeSeverity } from './vocabulary.ts'
import { words } from './words.ts'

/**
 * Choice inputs whose options appear among the typed words, with environment synonyms. When
 * one input is named twice ("staging … no, production") the later mention wins, as a person
 * correcting themselves would mean.
 */
export function recognizeChoices(template: Template, typed: readonly string[]): Map<string, string> {
  const found = new Map<string, string>()
  for (const input of template.inputs) {
    if (input.type !== 'choice') continue
    const options = input.options ?? []
    const mentions: Array<{ at: number; strength: number; option: string }> = []
    for (const option of options) {
      for (const match of findPhrase(words(option), typed)) mentions.push({ at: match.at, strength: match.strength, option })
    }
    typed.forEach((word, at) => {
      const synonym = OPTION_SYNONYMS[word]
      if (synonym !== undefined && options.includes(synonym)) mentions.push({ at, strength: 1, option: synonym })
    })
    // Latest mention first; at one position the closer match wins.
    mentions.sort((a, b) => b.at - a.at || b.strength - a.strength)
    if (mentions.length > 0) found.set(input.key, mentions[0].option)
  }
  return found
}

/** Matches typed pairs to inputs by key or label; values are read as the input's type where possible. */
export function inputsFromPairs(
  template: Template,
  pairs: readonly TypedPair[],
): {
  values: Map<string, string | number | boolean>
  unknown: TypedPair[]
  /** Pairs matched to an input, with the value it got and whether that is the closest option rather than what was typed. */
  matched: { pair: TypedPair; input: InputDefinition; value: string | number | boolean; closest: boolean }[]
} {
  const values = new Map<string, string | number | boolean>()
  const unknown: TypedPair[] = []
  const matched: { pair: TypedPair; input: InputDefinition; value: string | number | boolean; closest: boolean }[] = []
  for (const pair of pairs) {
    const name = words(pair.key).join('_')
    const input = template.inputs.find((i) => i.key.toLowerCase() === name || words(i.label).join('_') === name)
    if (input === undefined) {
      unknown.push({ key: pair.key, value: pair.value })
      continue
    }
    const value = pairValue(input, pair.value)
    values.set(input.key, value)
    matched.push({ pair, input, value, closest: input.type === 'choice' && closestOnly(input, pair.value, value) })
  }
  return { values, unknown, matched }
}

/** Whether a choice got its option only by being close to what was typed (not by name or synonym). */
function closestOnly(input: InputDefinition, typed: string, value: string | number | boolean): boolean {
  if (!(input.options ?? []).includes(String(value))) return false
  const plain = words(typed)
  const exact = [typed, OPTION_SYNONYMS[plain.join('')], normalizeSeverity(plain).join('')]
  return !exact.some((candidate) => candidate !== undefined && candidate.toLowerCase() === String(value).toLowerCase())
}

/** A value the input cannot take is kept as typed, so the form shows it with its error. */
function pairValue(input: InputDefinition, value: string): string | number | boolean {
  if (input.type === 'choice') {
    const options = input.options ?? []
    const typed = words(value)
    const candidates = [value, OPTION_SYNONYMS[typed.join('')], normalizeSeverity(typed).join('')]
    for (const candidate of candidates) {
      const option = options.find((o) => candidate !== undefined && o.toLowerCase() === candidate.toLowerCase())
      if (option !== undefined) return option
    }
    const close = options.find((o) => wordSimilarity(words(o).join(''), typed.join('')) > 0)
    return close ?? value.trim()
  }
  if (input.type === 'number' || input.type === 'boolean') {
    const coerced = coerceInput(input, value)
    return coerced.ok ? coerced.value : value.trim()
  }
  return input.type === 'secret' ? value : value.trim()
}
