/**
 * Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, swap two
 * neighbours), giving up once it must exceed `max`; then it returns max + 1.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1)
      current.push(value)
      rowMin = Math.min(rowMin, value)
    }
    if (rowMin > max) return max + 1
    before = previous
    previous = current
  }
  return Math.min(previous[b.length], max + 1)
}

/** Typos forgiven for a word: none below 4 letters, one from 4, two from 8. */
function typoAllowance(length: number): number {
  if (length >= 8) return 2
  if (length >= 4) return 1
  return 0
}

/**
 * How well a typed word stands for a known word: 1 when equal, less per typo, 0 when too far.
 * Words with digits must match exactly ("sev1" is not a typo of "sev2").
 */
export function wordSimilarity(known: string, typed: string): number {
  if (known === typed) return 1
  if (/\d/.test(known) || /\d/.test(typed)) return 0
  const allowance = typoAllowance(Math.min(known.length, typed.length))
  if (allowance === 0) return 0
  const distance = editDistance(known, typed, allowance)
  return distance <= allowance ? 1 - 0.15 * distance : 0
}
