/**
 * Phase 4's one-line summary of a run, kept as the run's summary and shown on its cards. It starts
 * with the run's status as every badge and card words it, so the summary never contradicts them.
 */
import type { StoredPlan } from '../runbook/index.ts'
import type { StepResult } from '../database/index.ts'
import { formatDuration, statusView } from '../vocabulary/index.ts'

export interface StepTally {
  succeeded: number
  dryRuns: number
  failed: number
  notRun: number
}

export function tallySteps(plan: StoredPlan | null, results: Record<string, StepResult>): StepTally {
  const tally: StepTally = { succeeded: 0, dryRuns: 0, failed: 0, notRun: 0 }
  for (const step of plan?.steps ?? []) {
    const result = results[step.id]
    if (result?.status === 'succeeded' || result?.status === 'skipped') {
      tally.succeeded++
      if (result.dry_run) tally.dryRuns++
    } else if (result?.status === 'failed') {
      tally.failed++
    } else {
      tally.notRun++
    }
  }
  return tally
}

/** "Succeeded: Deploy web in staging, 4 steps (1 as dry run) in 2 min 05 s" */
export function successSummary(plan: StoredPlan, tally: StepTally, ms: number): string {
  const dry = tally.dryRuns > 0 ? ` (${tally.dryRuns} as dry run${tally.dryRuns === 1 ? '' : 's'})` : ''
  return `${statusView('success').label}: ${plan.title} in ${plan.env}, ${tally.succeeded} step${tally.succeeded === 1 ? '' : 's'}${dry} in ${formatDuration(ms)}`
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
