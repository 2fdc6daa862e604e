/**
 * Times on shared surfaces (canvas cards, widget cards) in UTC, so everyone on a board reads the
 * same text whatever their time zone; built by hand because Figma's main thread has no reliable Intl.
 * The plugin's log viewer, seen by one person, uses local time instead.
 */

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

function parse(iso: string | null): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

/** "14:05 UTC"; null for a missing or unreadable time. */
export function formatUtcTime(iso: string | null): string | null {
  const date = parse(iso)
  return date && `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`
}

/**
 * "14:05:31 UTC" for a time in ms since the epoch: for what changes by the second, such as when a
 * live widget card was last written. Null for a time that is not a finite number.
 */
export function formatUtcSeconds(ms: number): string | null {
  if (!Number.isFinite(ms)) return null
  const date = new Date(ms)
  return `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())} UTC`
}

/** "2025-01-03 14:05 UTC"; null for a missing or unreadable time. */
export function formatUtcDateTime(iso: string | null): string | null {
  const date = parse(iso)
  return date && `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${formatUtcTime(iso)}`
}
