const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

// One or more number+unit parts, so "1m30s" reads as it would to a person.
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g

/** Longer than any step or wait can sensibly take; guards against typos like "5000h". */
export const MAX_DURATION_MS = 24 * 3_600_000

export const DURATION_EXPECTED = 'a duration like 500ms, 30s, 5m or 1h'

/** Milliseconds for "500ms", "30s", "5m", "1h", "1m30s"; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim()
  if (!WHOLE.test(trimmed)) return null
  let total = 0
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit]
  }
  return Math.round(total)
}
