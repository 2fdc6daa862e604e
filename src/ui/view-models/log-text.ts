/** The log as plain text, for copy and download: one line per event, as the viewer shows it. */
import type { EventRow } from '../../client/types.ts'

function logLine(event: EventRow): string {
  const where = event.step_id ?? event.phase ?? event.source
  return `${String(event.seq).padStart(5, ' ')} ${event.ts} ${event.level.toUpperCase().padEnd(5, ' ')} [${where}] ${event.message}`
}

export function logText(events: readonly EventRow[]): string {
  return events.length === 0 ? '' : `${events.map(logLine).join('\n')}\n`
}

/** A file name that says which run it is: "run-1a2b3c4d.log". */
export function logFileName(runId: string): string {
  return `run-${runId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 8) || 'log'}.log`
}
