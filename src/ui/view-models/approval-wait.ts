/**
 * What a run waiting for approval asks of the person looking at it. The executor snapshots the
 * requirement into the waiting step's result when the run parks (ops.await_approval), and
 * ops.decide_approval appends each approval to it: how many are needed, from which role, whether
 * the starter is excluded, and who approved so far. The server decides; this only says what it
 * will decide, so nobody is offered a button that can only be refused.
 */
import type { RunRow } from '../../client/types.ts'
import type { StepResult } from '../../../supabase/functions/_shared/database/index.ts'
import { ENVIRONMENT_GATE_STEP } from '../../../supabase/functions/_shared/vocabulary/approvals.ts'
import { ROLE_LABELS, roleAtLeast, type WorkspaceRole } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { isRecord } from '../../is-record.ts'

interface ApprovalGiven {
  by: string
  /** The approver's display name in the workspace, when the server recorded it. */
  name: string | null
  at: string
  comment: string | null
}

export interface ApprovalWait {
  stepId: string
  /** Why the run waits, for the panel's heading. */
  reason: string
  /** "Waiting for 2 more approvals from an approver". */
  waitingFor: string
  /** The signed-in person started the run and this step wants someone else to approve it. */
  startedByYou: boolean
  /** The signed-in person has approved this step already (each person decides once). */
  approvedByYou: boolean
  approvals: ApprovalGiven[]
  /** "Approved so far by Ana and Ben", or null before the first approval. */
  approvedSoFar: string | null
  /** "1 of 2 approvals": how far the step has come. */
  progress: string
  /**
   * Why the person's role cannot decide this step ("You are a viewer here: …"), or null when it
   * can or their role is not known (then the server decides, and says why if it refuses).
   */
  roleBlocked: string | null
  /** Whether the person may decide now: role enough (or unknown), not the excluded starter, not decided yet. */
  mayDecide: boolean
}

/** The lowest role that decides, as the panel names it: "an approver" or "an admin" (ops.await_approval allows these two). */
function approverName(role: unknown): string {
  const decider: WorkspaceRole = role === 'admin' ? 'admin' : 'approver'
  return `an ${ROLE_LABELS[decider].toLowerCase()}`
}

const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** The approvals given so far (a rejection ends the wait, so one recorded is not counted). */
function approvalsOf(value: unknown): ApprovalGiven[] {
  if (!Array.isArray(value)) return []
  return value
    .filter(isRecord)
    .filter((entry) => typeof entry.by === 'string' && (entry.decision === undefined || entry.decision === 'approved'))
    .map((entry) => ({
      by: String(entry.by),
      name: textOrNull(entry.name),
      at: textOrNull(entry.at) ?? '',
      comment: textOrNull(entry.comment),
    }))
}

function namesOf(approvals: readonly ApprovalGiven[]): string | null {
  const names = approvals.map((approval) => approval.name ?? 'someone')
  if (names.length === 0) return null
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
  return `Approved so far by ${list}`
}

/** The step the run is parked at: its current step when that one is waiting, else the one that is. */
function waitingStep(run: RunRow): [string, StepResult] | null {
  const results = run.step_results
  const current = run.current_step === null ? undefined : results[run.current_step]
  if (run.current_step !== null && current?.status === 'running') return [run.current_step, current]
  const found = Object.entries(results).find(([, result]) => result.status === 'running' && 'waiting_since' in result)
  return found ?? null
}

/** Why `role` cannot decide a step that wants `deciderRole`, in words; null when it can. */
function roleReason(role: WorkspaceRole, deciderRole: WorkspaceRole): string | null {
  if (roleAtLeast(role, deciderRole)) return null
  const article = role === 'admin' || role === 'approver' || role === 'operator' ? 'an' : 'a'
  return `You are ${article} ${ROLE_LABELS[role].toLowerCase()} in this workspace: only ${deciderRole === 'admin' ? 'an admin decides' : 'approvers and admins decide'} this approval.`
}

/**
 * Null unless the run waits for approval. `userId`: the signed-in person, when known; `role`:
 * their role in the run's workspace, when known.
 */
export function approvalWait(run: RunRow, userId: string | null, role: WorkspaceRole | null = null): ApprovalWait | null {
  if (run.status !== 'waiting_approval') return null
  const [stepId, result] = waitingStep(run) ?? [run.current_step ?? '', {} as Partial<StepResult>]
  const approvals = approvalsOf(result.approvals)
  const required = count(result.required, 1)
  const remaining = Math.max(required - approvals.length, 0)
  const approver = approverName(result.approver_role)
  const you = userId !== null
  const startedByYou = you && result.prevent_self_review === true && run.created_by === userId
  const approvedByYou = you && approvals.some((approval) => approval.by === userId)
  const roleBlocked = role === null ? null : roleReason(role, result.approver_role === 'admin' ? 'admin' : 'approver')
  return {
    stepId,
    reason:
      stepId === ENVIRONMENT_GATE_STEP
        ? `${run.env} is a protected environment: runs there go on only once approved.`
        : (run.plan?.approvalReason ?? 'This run waits for approval before it continues.'),
    waitingFor: `Waiting for ${remaining} more approval${remaining === 1 ? '' : 's'} from ${approver}`,
    startedByYou,
    approvedByYou,
    approvals,
    approvedSoFar: namesOf(approvals),
    progress: `${Math.min(approvals.length, required)} of ${required} approval${required === 1 ? '' : 's'}`,
    roleBlocked,
    mayDecide: !startedByYou && !approvedByYou && roleBlocked === null,
  }
}
