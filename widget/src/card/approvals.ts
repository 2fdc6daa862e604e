/**
 * Where a run waiting for approval stands, as a card may show it: how many approvals it has, how
 * many it needs, and whether its starter is kept out (prevent self-review). Read from what
 * ops.await_approval and ops.decide_approval record under the waiting step in runs.step_results.
 * Counts only, no names or comments: anyone who opens the board reads a card's synced state.
 */
import type { RunRow } from '../../../src/client/types.ts'
import { isRecord } from '../../../src/is-record.ts'

export interface SnapshotApprovals {
  given: number
  required: number
  /** The starter may not approve their own run here (the environment's prevent self-review). */
  starterExcluded: boolean
}

export function approvalsOf(run: RunRow): SnapshotApprovals | null {
  if (run.status !== 'waiting_approval' || run.current_step === null) return null
  const waiting = run.step_results[run.current_step]
  if (!isRecord(waiting)) return null
  const decisions = Array.isArray(waiting.approvals) ? waiting.approvals : []
  const given = decisions.filter((decision) => isRecord(decision) && decision.decision === 'approved').length
  const required = typeof waiting.required === 'number' && waiting.required > 0 ? waiting.required : 1
  return { given, required, starterExcluded: waiting.prevent_self_review === true }
}

export function isSnapshotApprovals(value: unknown): value is SnapshotApprovals {
  return isRecord(value) && Number.isInteger(value.given) && Number.isInteger(value.required) && typeof value.starterExcluded === 'boolean'
}

/** "1 of 2 approvals": what a card and the picker say about a waiting run. */
export function approvalsText(approvals: SnapshotApprovals): string {
  return `${approvals.given} of ${approvals.required} approval${approvals.required === 1 ? '' : 's'}`
}
