/**
 * Spans of time as people read them. Each unit is cut off, never rounded up, so a value never
 * shows more than has passed and never overflows into its next unit ("1 min 60 s", "60.0 s").
 */

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

/** "850 ms", "4.2 s", "2 min 05 s", "1 h 02 min"; "—" for no duration (negative, NaN, infinite). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.floor(ms)} ms`
  if (ms < 60_000) {
    const tenths = Math.floor(ms / 100)
    return `${Math.floor(tenths / 10)}.${tenths % 10} s`
  }
  const seconds = Math.floor(ms / 1000)
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${pad2(seconds % 60)} s`
  const minutes = Math.floor(seconds / 60)
  return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; a clock running ahead reads "just now". */
export function formatAgo(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 5_000) return 'just now'
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s ago`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`
  return `${Math.floor(ms / 86_400_000)} d ago`
}

/**
 * How long a run has taken: from start to finish, or to `now` while it is still going; null
 * before it starts or when a time is unreadable. A start after `now` (clock skew) counts as 0.
 */
export function runDurationMs(startedAt: string | null, finishedAt: string | null, now: number): number | null {
  if (startedAt === null) return null
  const start = Date.parse(startedAt)
  const end = finishedAt === null ? now : Date.parse(finishedAt)
  if (Number.isNaN(start) || Number.isNaN(end)) return null
  return Math.max(0, end - start)
}

/** A run's duration as the plugin and the widget show it: "not started" until it starts. */
export function formatRunDuration(startedAt: string | null, finishedAt: string | null, now: number): string {
  const ms = runDurationMs(startedAt, finishedAt, now)
  return ms === null ? 'not started' : formatDuration(ms)
}
