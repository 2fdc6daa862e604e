/**
 * How a Spec Kit document's review reads wherever it is shown: the Spec Kit tab, the document's
 * section on the board and each requirement's frame there. Defined once; every view imports it.
 */
import type { StatusView } from './status-views.ts'

const SPEC_REVIEW_STATES = ['not_requested', 'in_review', 'approved', 'changes_requested', 'changed_since_approval'] as const
export type SpecReviewState = (typeof SPEC_REVIEW_STATES)[number]

/** A reviewer's decision on one revision. */
export const SPEC_REVIEW_DECISIONS = ['approved', 'changes_requested'] as const
export type SpecReviewDecision = (typeof SPEC_REVIEW_DECISIONS)[number]

export const SPEC_REVIEW_VIEWS: Readonly<Record<SpecReviewState, StatusView>> = {
  not_requested: { label: 'No review yet', symbol: '○', tone: 'neutral', fill: '#EBEBEB', text: '#3D3D3D', accent: '#8C8C8C' },
  in_review: { label: 'In review', symbol: '◔', tone: 'active', fill: '#E5F4FF', text: '#0B5CAD', accent: '#0D99FF' },
  approved: { label: 'Approved', symbol: '✓', tone: 'success', fill: '#DCF5E6', text: '#0A6B38', accent: '#14AE5C' },
  changes_requested: { label: 'Changes requested', symbol: '✎', tone: 'danger', fill: '#FFE2DC', text: '#A82D12', accent: '#F24822' },
  changed_since_approval: {
    label: 'Changed since review',
    symbol: '△',
    tone: 'attention',
    fill: '#FFF1C2',
    text: '#704A00',
    accent: '#FFA629',
  },
}

export function isSpecReviewState(value: unknown): value is SpecReviewState {
  return typeof value === 'string' && (SPEC_REVIEW_STATES as readonly string[]).includes(value)
}

/** Labels of the anchor kinds, for filters and frame captions. */
export const ANCHOR_KIND_LABELS = {
  requirement: 'Requirement',
  criterion: 'Success criterion',
  task: 'Task',
  story: 'User story',
  heading: 'Section',
} as const
