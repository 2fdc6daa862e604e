/**
 * The protected-environment gate: right after validation, a run on a protected environment waits
 * at ENVIRONMENT_GATE_STEP until enough people approved it (ops.decide_approval requeues it then).
 * The gate belongs to the environment, not to the template, so no template can leave it out.
 */
import type { StepResult } from '../database/index.ts'
import { ENVIRONMENT_GATE_STEP } from '../vocabulary/index.ts'

/** An ops.environments row, as the executor reads it; a missing row is an unprotected environment. */
export interface EnvironmentRule {
  name: string
  protected: boolean
  required_approvals: number
  prevent_self_review: boolean
  approver_role: string
}

/** Whether a run with these step results must wait at the gate before doing anything. */
export function mustWaitAtGate(rule: EnvironmentRule | null, stepResults: Readonly<Record<string, StepResult>>): boolean {
  return rule?.protected === true && stepResults[ENVIRONMENT_GATE_STEP]?.status !== 'succeeded'
}

/** "Protected environment production: waiting for 2 approvals from approvers; the starter cannot approve" */
export function gateWaitLine(rule: EnvironmentRule): string {
  const count = rule.required_approvals
  const who = rule.approver_role === 'admin' ? 'admins' : 'approvers'
  return (
    `Protected environment ${rule.name}: waiting for ${count} approval${count === 1 ? '' : 's'} from ${who}` +
    (rule.prevent_self_review ? '; the starter cannot approve' : '')
  )
}
