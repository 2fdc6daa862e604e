/**
 * Phase 4's one-line summary of a run, kept as the run's summary and shown on its cards. It starts
 * with the run's status as every badge and card words it, so the summary never contradicts them.
 */
import type { StoredPlan } from '../runbook/index.ts'
import type { StepResult } from '../database/index.ts'
import { CHOSEN_DRY_RUN_REASON, formatDuration, OUTCOME_VIEWS, statusView } from '../vocabulary/index.ts'

export interface StepTally {
  succeeded: number
  dryRuns: number
  failed: number
  notRun: number
  /** Steps that reached the outside world (a request answered), in plan order. */
  sent: string[]
  /** Steps that sent nothing as dry runs, and why, in plan order. */
  notSent: { id: string; reason: string }[]
}

/** The step kinds that talk to the outside world; the others (wait, approval, spec) send nothing. */
const SENDING_KINDS: readonly string[] = ['http', 'github_dispatch']

export function tallySteps(plan: StoredPlan | null, results: Record<string, StepResult>): StepTally {
  const tally: StepTally = { succeeded: 0, dryRuns: 0, failed: 0, notRun: 0, sent: [], notSent: [] }
  for (const step of plan?.steps ?? []) {
    const result = results[step.id]
    if (result?.status === 'succeeded' || result?.status === 'skipped') {
      tally.succeeded++
      if (result.dry_run) {
        tally.dryRuns++
        tally.notSent.push({ id: step.id, reason: result.dry_run_reason ?? CHOSEN_DRY_RUN_REASON })
      } else if (result.status === 'succeeded' && SENDING_KINDS.includes(step.kind)) {
        tally.sent.push(step.id)
      }
    } else if (result?.status === 'failed') {
      tally.failed++
    } else {
      tally.notRun++
    }
  }
  return tally
}

/**
 * "Succeeded: Deploy web in staging, 4 steps in 2 min 05 s"; a run with a step that sent nothing
 * is a dry run and says what was sent and what was not, and why:
 * "Dry run: Deploy web in staging, 4 steps (1 as dry run) in 2.1 s; sent: health-before,
 * health-after; not sent: dispatch (secret GITHUB_TOKEN is not set)".
 */
export function successSummary(plan: StoredPlan, tally: StepTally, ms: number): string {
  const steps = `${tally.succeeded} step${tally.succeeded === 1 ? '' : 's'}`
  if (tally.dryRuns === 0) return `${statusView('success').label}: ${plan.title} in ${plan.env}, ${steps} in ${formatDuration(ms)}`
  const dry = ` (${tally.dryRuns} as dry run${tally.dryRuns === 1 ? '' : 's'})`
  const byReason = new Map<string, string[]>()
  for (const { id, reason } of tally.notSent) byReason.set(reason, [...(byReason.get(reason) ?? []), id])
  const notSent = [...byReason].map(([reason, ids]) => `${ids.join(', ')} (${reason})`).join('; ')
  return (
    `${OUTCOME_VIEWS.dry_run.label}: ${plan.title} in ${plan.env}, ${steps}${dry} in ${formatDuration(ms)}; ` +
    `sent: ${tally.sent.length > 0 ? tally.sent.join(', ') : 'nothing'}; not sent: ${notSent}`
  )
}

/** "Failed at step ping: GET … answered 503" */
export function stepFailedSummary(stepId: string, reason: string): string {
  return `${statusView('error').label} at step ${stepId}: ${reason}`
}

/** "Failed validation: …" */
export function validationFailedSummary(message: string): string {
  return `${statusView('error').label} validation: ${message}`
}

/** "Failed: the executor gave up after 3 attempts to run it" */
export function gaveUpSummary(reason: string): string {
  return `${statusView('error').label}: ${reason}`
}

/** "Canceled on request at step settle" (any operator of the workspace may ask; the log says who). */
export function canceledSummary(stepId: string | undefined): string {
  return `${statusView('canceled').label} on request${stepId ? ` at step ${stepId}` : ''}`
}
