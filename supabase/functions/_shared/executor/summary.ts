/** Phase 4's one-line summary of a run, from its plan and step results. */
import type { Plan } from '../runbook/index.ts'
import type { StepResult } from '../database/index.ts'

export interface StepTally {
  succeeded: number
  dryRuns: number
  failed: number
  notRun: number
}

export function tallySteps(plan: Plan | null, results: Record<string, StepResult>): StepTally {
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

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`
}

export function successSummary(plan: Plan, tally: StepTally, ms: number): string {
  const steps = `${tally.succeeded} step${tally.succeeded === 1 ? '' : 's'} succeeded`
  const dry = tally.dryRuns > 0 ? ` (${tally.dryRuns} as dry run${tally.dryRuns === 1 ? '' : 's'})` : ''
  return `${plan.title} in ${plan.env}: ${steps}${dry} in ${formatDuration(ms)}`
}
