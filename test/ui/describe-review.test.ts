import { describe, expect, it } from 'vitest'
import { describeReview } from '../../src/ui/view-models/describe-review.ts'

const names = new Map([
  ['u-sam', 'Sam'],
  ['u-dana', 'Dana'],
  ['u-lee', 'Lee'],
])
const nameOf = (id: string | null) => (id === null ? 'a former member' : (names.get(id) ?? 'a former member'))
const decision = (reviewerId: string, made: 'approved' | 'changes_requested', docVersion: number, stale = false) => ({
  reviewerId,
  decision: made,
  docVersion,
  summary: '',
  createdAt: '2026-01-01T00:00:00Z',
  stale,
})
const base = { version: 3, approvedVersion: null, decisions: [], requested: [], required: [] }

describe('the sentence beside the review badge', () => {
  it.each([
    ['nothing yet', { ...base, state: 'not_requested' as const }, 'Nobody has been asked to review it yet'],
    [
      'who is awaited, not who decided',
      {
        ...base,
        state: 'in_review' as const,
        requested: ['u-sam', 'u-dana'],
        required: ['u-lee'],
        decisions: [decision('u-dana', 'approved', 3)],
      },
      'Version 3: waiting for Sam and Lee',
    ],
    [
      'who asked for changes, by their latest decision on this version',
      {
        ...base,
        state: 'changes_requested' as const,
        decisions: [
          decision('u-sam', 'changes_requested', 3),
          decision('u-dana', 'changes_requested', 3),
          decision('u-sam', 'approved', 3),
        ],
      },
      'Changes requested by Sam and Dana',
    ],
    [
      'who approved, leaving out stale approvals',
      {
        ...base,
        state: 'approved' as const,
        approvedVersion: 3,
        decisions: [decision('u-dana', 'approved', 3), decision('u-sam', 'approved', 2, true)],
      },
      'Approved at version 3 by Dana',
    ],
    [
      'the approved version after a save',
      { ...base, state: 'changed_since_approval' as const, approvedVersion: 2, decisions: [decision('u-sam', 'approved', 2, true)] },
      'Approved at version 2; changed since (now version 3)',
    ],
  ])('names %s', (_what, review, sentence) => {
    expect(describeReview(review, nameOf)).toBe(sentence)
  })
})
