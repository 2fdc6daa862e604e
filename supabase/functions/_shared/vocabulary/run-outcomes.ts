/**
 * What a finished run did, as every badge, card and summary words it: succeeded with real effects,
 * succeeded as a dry run (nothing, or not everything, was sent), failed or canceled. A dry run is
 * chosen (the Dry run switch) or forced (an optional secret is missing: the steps that need it send
 * nothing); either way it must never read as a plain "Succeeded".
 */
import { STATUS_VIEWS, statusView, type StatusView } from './status-views.ts'

export const RUN_OUTCOMES = ['success', 'dry_run', 'error', 'canceled'] as const
export type Outcome = (typeof RUN_OUTCOMES)[number]

/** The run's columns an outcome is read from (a runs row, or a board's picture of one). */
export interface OutcomeFacts {
  status: string
  dry_run?: boolean | null
  step_results?: unknown
}

/** The reason a run chosen as a dry run gives for every step it did not send. */
export const CHOSEN_DRY_RUN_REASON = 'this run is a dry run'

export const OUTCOME_VIEWS: Readonly<Record<Outcome, StatusView>> = {
  success: STATUS_VIEWS.success,
  dry_run: { label: 'Dry run', symbol: '◌', tone: 'dry', fill: '#F1E5FF', text: '#6A2CB0', accent: '#9747FF' },
  error: STATUS_VIEWS.error,
  canceled: STATUS_VIEWS.canceled,
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Why each step that sent nothing did so, by step id, in the order recorded. */
function dryRunSteps(run: OutcomeFacts): { stepId: string; reason: string }[] {
  const results = run.step_results
  if (!isRecord(results)) return []
  const steps: { stepId: string; reason: string }[] = []
  for (const [stepId, result] of Object.entries(results)) {
    if (!isRecord(result) || result.dry_run !== true) continue
    steps.push({ stepId, reason: typeof result.dry_run_reason === 'string' ? result.dry_run_reason : CHOSEN_DRY_RUN_REASON })
  }
  return steps
}

/** The finished run's outcome; null while it has not finished (its status says where it is). */
export function outcomeOf(run: OutcomeFacts): Outcome | null {
  if (run.status === 'error' || run.status === 'canceled') return run.status
  if (run.status !== 'success') return null
  return run.dry_run === true || dryRunSteps(run).length > 0 ? 'dry_run' : 'success'
}

/**
 * Why a finished run was a dry run, in a few words: "chosen" or what was missing ("secret
 * GITHUB_TOKEN is not set"); null for any other outcome.
 */
export function dryRunReason(run: OutcomeFacts): string | null {
  if (outcomeOf(run) !== 'dry_run') return null
  if (run.dry_run === true) return 'chosen with the Dry run switch'
  return [...new Set(dryRunSteps(run).map((step) => step.reason))].join('; ')
}

/** The badge a run wears: its outcome once finished, else its status. */
export function runBadgeView(run: OutcomeFacts): StatusView {
  const outcome = outcomeOf(run)
  return outcome === null ? statusView(run.status) : OUTCOME_VIEWS[outcome]
}
