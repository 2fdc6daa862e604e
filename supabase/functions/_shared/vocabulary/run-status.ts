/**
 * A run's statuses, as the database allows them (ops.runs' runs_status_valid check). Everything
 * that names a status (plugin, widget, executor) imports it from here.
 */
export const RUN_STATUSES = ['queued', 'running', 'waiting_approval', 'success', 'error', 'canceled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** A run in one of these has finished_at set and never changes status again. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['success', 'error', 'canceled']

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value)
}

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status)
}
