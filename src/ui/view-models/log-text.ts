/** The log as plain text, for copy and download: one line per event, as the viewer shows it. */
import type { EventStore } from '../../client/event-store.ts'
import type { EventLevel } from '../../client/types.ts'
import { passesLevel } from './log-levels.ts'

/** The lines that pass the level filter as text, and how many they are; read from the store's columns. */
export function logText(events: EventStore, minLevel: EventLevel = 'debug'): { text: string; count: number } {
  const lines: string[] = []
  for (let i = 0; i < events.count; i++) {
    const level = events.levelAt(i)
    if (!passesLevel(level, minLevel)) continue
    const where = events.stepIdAt(i) ?? events.phaseAt(i) ?? events.sourceAt(i)
    lines.push(
      `${String(events.seqAt(i)).padStart(5, ' ')} ${events.tsAt(i)} ${level.toUpperCase().padEnd(5, ' ')} [${where}] ${events.messageAt(i)}`,
    )
  }
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, count: lines.length }
}

/** A file name that says which run it is: "run-1a2b3c4d.log". */
export function logFileName(runId: string): string {
  return `run-${runId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 8) || 'log'}.log`
}
