/**
 * A step's statuses, as the executor records them in runs.step_results, and how each reads in the
 * log viewer's step heading. A step the run was canceled in ends `canceled`, never `running`.
 */
import { STATUS_VIEWS, type StatusView } from './status-views.ts'

const STEP_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'canceled'] as const
export type StepStatus = (typeof STEP_STATUSES)[number]

export const STEP_STATUS_VIEWS: Readonly<Record<StepStatus, StatusView>> = {
  running: STATUS_VIEWS.running,
  succeeded: STATUS_VIEWS.success,
  failed: STATUS_VIEWS.error,
  skipped: { ...STATUS_VIEWS.queued, label: 'Skipped', symbol: '–' },
  canceled: STATUS_VIEWS.canceled,
}

/**
 * The status a step shows: as recorded, except that a step still marked running in a run that was
 * canceled (by the executor before it recorded the step, or at once while the run was handed back)
 * reads as canceled. Null for a step with no recorded status this build knows.
 */
export function shownStepStatus(recorded: unknown, runStatus: string): StepStatus | null {
  if (!isStepStatus(recorded)) return null
  return recorded === 'running' && runStatus === 'canceled' ? 'canceled' : recorded
}

const isStepStatus = (value: unknown): value is StepStatus => STEP_STATUSES.some((status) => status === value)
