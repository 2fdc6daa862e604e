import type { EventLevel } from '../../client/types.ts'

export const LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error']

const RANK: Record<EventLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/** Unknown levels (a newer executor) count as info so they are shown, not hidden. */
export function levelRank(level: string): number {
  return (RANK as Record<string, number>)[level] ?? RANK.info
}

/** The level filter shows this level and everything more severe. */
export function passesLevel(level: string, minLevel: EventLevel): boolean {
  return levelRank(level) >= RANK[minLevel]
}

export function worseLevel(a: EventLevel | null, b: EventLevel): EventLevel {
  return a === null || levelRank(b) > levelRank(a) ? b : a
}
