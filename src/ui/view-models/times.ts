/**
 * Times the plugin shows its one viewer. Durations and "… ago" are the shared vocabulary's; what
 * is here is particular to the plugin: log lines in the viewer's own time zone, and a history that
 * gives older runs their date.
 */
import { formatAgo } from '../../../supabase/functions/_shared/vocabulary/index.ts'

/** "14:03:07" in the viewer's time zone, for log lines. */
export function formatLocalClock(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** "5 min ago" for the run history; a run from more than a day ago shows its date (UTC). */
export function formatAge(iso: string, now: number): string {
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return ''
  if (now - then >= 86_400_000) return new Date(then).toISOString().slice(0, 10)
  return formatAgo(now - then)
}
