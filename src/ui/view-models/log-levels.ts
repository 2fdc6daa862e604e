import { EVENT_LEVELS, type EventLevel } from '../../../supabase/functions/_shared/vocabulary/index.ts'

/** Unknown levels (a newer executor) count as info so they are shown, not hidden. */
export function levelRank(level: string): number {
  const rank = (EVENT_LEVELS as readonly string[]).indexOf(level)
  return rank === -1 ? EVENT_LEVELS.indexOf('info') : rank
}

/** The level filter shows this level and everything more severe. */
export function passesLevel(level: string, minLevel: EventLevel): boolean {
  return levelRank(level) >= levelRank(minLevel)
}
