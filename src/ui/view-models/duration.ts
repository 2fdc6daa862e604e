/** Run durations as people read them: "850 ms", "4.2 s", "3 min 05 s", "1 h 02 min". */
import type { RunRow } from '../../client/types.ts'

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  const totalSeconds = Math.floor(ms / 1000)
  if (totalSeconds < 3600) {
    const minutes = Math.floor(totalSeconds / 60)
    return `${minutes} min ${String(totalSeconds % 60).padStart(2, '0')} s`
  }
  const totalMinutes = Math.floor(totalSeconds / 60)
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, '0')} min`
}

/** From start to finish, or to `now` while the run is still going; null before it starts. */
export function runDurationMs(run: Pick<RunRow, 'started_at' | 'finished_at'>, now: number): number | null {
  if (run.started_at === null) return null
  const start = Date.parse(run.started_at)
  const end = run.finished_at === null ? now : Date.parse(run.finished_at)
  if (Number.isNaN(start) || Number.isNaN(end)) return null
  return Math.max(0, end - start)
}

/** "14:03:07" in the viewer's time zone, for log lines. */
export function formatClock(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** "3 min ago", for the run history. */
export function formatAge(iso: string, now: number): string {
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return ''
  const seconds = Math.max(0, Math.round((now - then) / 1000))
  if (seconds < 60) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  return new Date(then).toISOString().slice(0, 10)
}
