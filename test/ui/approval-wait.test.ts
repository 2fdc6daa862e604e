/**
 * What the approval panel offers, from the requirement the executor snapshots into the waiting
 * step (ops.await_approval) and the approvals ops.decide_approval appends to it.
 */
import { describe, expect, it } from 'vitest'
import type { RunRow } from '../../src/client/types.ts'
import { approvalWait } from '../../src/ui/view-models/approval-wait.ts'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/approvals.ts'
import { runRow } from '../widget/fixtures.ts'

const STARTER = 'user-1'
const OTHER = 'user-2'

function waiting(step: string, requirement: Record<string, unknown>, overrides: Partial<RunRow> = {}): RunRow {
  return runRow({
    status: 'waiting_approval',
    created_by: STARTER,
    current_step: step,
    step_results: {
      'health-before': { status: 'succeeded' },
      [step]: { status: 'running', waiting_since: '2025-01-03T10:00:03.000Z', ...requirement },
    },
    ...overrides,
  })
}

const gate = (requirement: Record<string, unknown>) => waiting(ENVIRONMENT_GATE_STEP, requirement)
const approval = (by: string) => ({ by, at: '2025-01-03T10:01:00.000Z', comment: null })

describe('approvalWait', () => {
  it.each([
    [
      'one approval from an approver',
      { required: 1, approver_role: 'approver', approvals: [] },
      'Waiting for 1 more approval from an approver',
    ],
    ['two from an admin', { required: 2, approver_role: 'admin', approvals: [] }, 'Waiting for 2 more approvals from an admin'],
    [
      'two, one given',
      { required: 2, approver_role: 'approver', approvals: [approval('user-3')] },
      'Waiting for 1 more approval from an approver',
    ],
    ['a snapshot without the requirement (an executor before teams)', {}, 'Waiting for 1 more approval from an approver'],
  ])('counts what is still needed: %s', (_, requirement, text) => {
    expect(approvalWait(gate(requirement), OTHER)?.waitingFor).toBe(text)
  })

  it.each([
    ['the starter, under self-review', STARTER, true, true],
    ['the starter, without self-review', STARTER, false, false],
    ['someone else', OTHER, true, false],
    ['nobody signed in', null, true, false],
  ])('tells %s whether they may approve', (_, userId, preventSelfReview, startedByYou) => {
    const run = gate({ required: 1, approver_role: 'approver', prevent_self_review: preventSelfReview, approvals: [] })
    expect(approvalWait(run, userId)).toMatchObject({ startedByYou, approvedByYou: false })
  })

  it('knows who approved already: each person decides once', () => {
    const run = gate({ required: 2, approver_role: 'approver', prevent_self_review: true, approvals: [approval(OTHER)] })
    expect(approvalWait(run, OTHER)).toMatchObject({ approvedByYou: true, approvals: [{ by: OTHER, comment: null }] })
    expect(approvalWait(run, 'user-3')).toMatchObject({ approvedByYou: false })
  })

  it.each([
    [[], null],
    [[{ ...approval(OTHER), name: 'ben' }], 'Approved so far by ben'],
    [
      [{ ...approval(OTHER), name: 'ben' }, approval('user-3'), { ...approval('user-4'), name: 'cy' }],
      'Approved so far by ben, someone and cy',
    ],
    [[{ ...approval(OTHER), name: 'ben', decision: 'rejected' }], null],
  ])('names who approved so far: %j', (approvals, text) => {
    expect(approvalWait(gate({ required: 4, approvals }), 'user-9')?.approvedSoFar).toBe(text)
  })

  it('says why the run waits: the protected environment, or the template’s reason', () => {
    expect(approvalWait(gate({ required: 1 }), OTHER)?.reason).toBe(
      'production is a protected environment: runs there go on only once approved.',
    )
    const step = waiting('policy-approval', { required: 1 })
    expect(
      approvalWait({ ...step, plan: { ...step.plan!, approvalReason: 'Production deploys need a second pair of eyes' } }, OTHER),
    ).toMatchObject({
      stepId: 'policy-approval',
      reason: 'Production deploys need a second pair of eyes',
    })
  })

  it('is null for a run that does not wait for approval', () => {
    expect(approvalWait(runRow({ status: 'running' }), OTHER)).toBeNull()
  })

  it('reads hostile or malformed approvals without throwing', () => {
    const run = gate({ required: 'two', approver_role: 'root', approvals: [null, 5, { by: 7 }, { by: OTHER, comment: 9 }] })
    expect(approvalWait(run, OTHER)).toMatchObject({
      waitingFor: 'Waiting for 0 more approvals from an approver',
      approvals: [{ by: OTHER, name: null, comment: null, at: '' }],
    })
  })
})
