/**
 * The approvals inbox: which waiting runs are the signed-in person's to decide (the badge counts
 * them) and which wait for someone else, with the reason, by the same rules as the server's
 * ops.decide_approval: the role the step wants, never the starter under self-review, once each.
 */
import { describe, expect, it } from 'vitest'
import type { RunRow } from '../../src/client/types.ts'
import { approvalInbox } from '../../src/ui/view-models/approval-inbox.ts'
import { approvalWait } from '../../src/ui/view-models/approval-wait.ts'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/approvals.ts'
import { runRow } from '../widget/fixtures.ts'

const STARTER = 'user-1'
const ME = 'user-2'

function waiting(id: string, createdAt: string, requirement: Record<string, unknown> = {}, overrides: Partial<RunRow> = {}): RunRow {
  return runRow({
    id,
    created_at: createdAt,
    status: 'waiting_approval',
    created_by: STARTER,
    current_step: ENVIRONMENT_GATE_STEP,
    step_results: {
      [ENVIRONMENT_GATE_STEP]: {
        status: 'running',
        waiting_since: createdAt,
        required: 2,
        approver_role: 'approver',
        prevent_self_review: true,
        approvals: [],
        ...requirement,
      },
    },
    ...overrides,
  })
}

const ids = (entries: { run: RunRow }[]) => entries.map((entry) => entry.run.id)

describe('approvalInbox', () => {
  const older = waiting('older', '2025-01-03T10:00:00.000Z')
  const newer = waiting('newer', '2025-01-03T11:00:00.000Z')
  const finished = runRow({ id: 'done', status: 'success' })

  it.each([
    ['an approver', 'approver', ['older', 'newer'], []],
    ['an admin', 'admin', ['older', 'newer'], []],
    ['an operator', 'operator', [], ['older', 'newer']],
    ['a viewer', 'viewer', [], ['older', 'newer']],
    ['someone whose role is not known yet', null, [], ['older', 'newer']],
  ] as const)('gives %s the waiting runs to decide, oldest first, or shows them as waiting for others', (_, role, mine, others) => {
    const inbox = approvalInbox([newer, finished, older], ME, role)
    expect({ mine: ids(inbox.mine), others: ids(inbox.others) }).toEqual({ mine, others })
  })

  it('never gives the starter their own run under self-review, nor a run they approved already', () => {
    const approvedByMe = waiting('approved', '2025-01-03T12:00:00.000Z', {
      approvals: [{ by: ME, name: 'Ben', at: '2025-01-03T12:01:00.000Z', comment: null }],
    })
    const mineStarted = waiting('mine', '2025-01-03T13:00:00.000Z', {}, { created_by: ME })
    const inbox = approvalInbox([approvedByMe, mineStarted, older], ME, 'approver')
    expect({ mine: ids(inbox.mine), others: ids(inbox.others) }).toEqual({ mine: ['older'], others: ['approved', 'mine'] })
  })

  it('lets the starter decide when the step allows self-review', () => {
    const own = waiting('own', '2025-01-03T12:00:00.000Z', { prevent_self_review: false }, { created_by: ME })
    expect(ids(approvalInbox([own], ME, 'approver').mine)).toEqual(['own'])
  })

  it('wants an admin where the environment says so', () => {
    const adminOnly = waiting('admin-only', '2025-01-03T12:00:00.000Z', { approver_role: 'admin' })
    expect(ids(approvalInbox([adminOnly], ME, 'approver').others)).toEqual(['admin-only'])
    expect(ids(approvalInbox([adminOnly], ME, 'admin').mine)).toEqual(['admin-only'])
  })
})

describe('approvalWait, for the inbox', () => {
  it.each([
    [[], '0 of 2 approvals'],
    [[{ by: 'user-3', name: 'Ana', at: '2025-01-03T10:01:00.000Z', comment: null }], '1 of 2 approvals'],
  ])('says how far the approvals are', (approvals, progress) => {
    expect(approvalWait(waiting('r', '2025-01-03T10:00:00.000Z', { approvals }), ME)?.progress).toBe(progress)
  })

  it.each([
    ['viewer', 'approver', 'You are a viewer in this workspace: only approvers and admins decide this approval.'],
    ['operator', 'approver', 'You are an operator in this workspace: only approvers and admins decide this approval.'],
    ['approver', 'admin', 'You are an approver in this workspace: only an admin decides this approval.'],
    ['approver', 'approver', null],
    ['admin', 'admin', null],
  ] as const)('tells a %s why they cannot decide a step for an %s', (role, approverRole, reason) => {
    const wait = approvalWait(waiting('r', '2025-01-03T10:00:00.000Z', { approver_role: approverRole }), ME, role)
    expect(wait).toMatchObject({ roleBlocked: reason, mayDecide: reason === null })
  })
})
