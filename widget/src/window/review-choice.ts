/**
 * Whether the signed-in person may approve or reject a waiting run, and if not, why — the rules
 * ops.decide_approval enforces (the database has the last word), said before anyone presses a
 * button: the starter kept out while prevent self-review is on (said first: it is the reason that
 * holds whatever their role), the step's approver role, one decision per person.
 */
import type { RunRow } from '../../../src/client/types.ts'
import { isRecord } from '../../../src/is-record.ts'
import { roleAtLeast, type WorkspaceRole } from '../../../supabase/functions/_shared/vocabulary/index.ts'

export type ReviewChoice = { may: true } | { may: false; reason: string }

export function reviewChoice(run: RunRow, me: { userId: string; role: string | null }): ReviewChoice {
  if (run.status !== 'waiting_approval' || run.current_step === null) return { may: false, reason: 'This run is not waiting for approval.' }
  const step: unknown = run.step_results[run.current_step]
  const waiting: Record<string, unknown> = isRecord(step) ? step : {}
  const needed: WorkspaceRole = waiting.approver_role === 'admin' ? 'admin' : 'approver'
  if (waiting.prevent_self_review === true && run.created_by === me.userId) {
    return { may: false, reason: `You started this run, and ${run.env} requires someone else to review it: ask another approver.` }
  }
  if (!roleAtLeast(me.role, needed)) {
    const held = me.role === null ? 'you are not a member of its workspace' : `you are ${roleName(me.role)}`
    return { may: false, reason: `Only an ${needed} (or higher) decides this approval; ${held}.` }
  }
  const decisions = Array.isArray(waiting.approvals) ? waiting.approvals : []
  if (decisions.some((decision) => isRecord(decision) && decision.by === me.userId)) {
    return { may: false, reason: 'You already approved this step; it waits for someone else.' }
  }
  return { may: true }
}

const roleName = (role: string) => (role === 'admin' || role === 'approver' || role === 'operator' ? `an ${role}` : `a ${role}`)
