import { wordSimilarity } from './distance.ts'

/** Where a phrase was found among the typed words, and how closely. */
export interface PhraseMatch {
  /** Index of the first typed word matched. */
  at: number
  /** How many typed words it covers. */
  length: number
  strength: number
}

/**
 * Every place a phrase (as words) matches the typed words, word by word or written together
 * ("roll back" matches "rollback", and "rollback" matches "roll back").
 */
export function findPhrase(phrase: readonly string[], typed: readonly string[]): PhraseMatch[] {
  if (phrase.length === 0) return []
  const joined = phrase.join('')
  const matches: PhraseMatch[] = []
  for (let at = 0; at < typed.length; at++) {
    let strength = 0
    let length = 0
    const consider = (s: number, l: number) => {
      if (s > strength) [strength, length] = [s, l]
    }
    if (at + phrase.length <= typed.length) {
      consider(Math.min(...phrase.map((word, i) => wordSimilarity(word, typed[at + i]))), phrase.length)
    }
    if (phrase.length > 1) consider(wordSimilarity(joined, typed[at]), 1)
    if (phrase.length === 1 && at + 1 < typed.length) consider(wordSimilarity(joined, typed[at] + typed[at + 1]), 2)
    if (strength > 0) matches.push({ at, length, strength })
  }
  return matches
}

/** The strongest match of a phrase, or 0. */
export function phraseStrength(phrase: readonly string[], typed: readonly string[]): number {
  return findPhrase(phrase, typed).reduce((best, match) => Math.max(best, match.strength), 0)
}
