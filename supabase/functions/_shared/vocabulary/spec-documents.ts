/**
 * The kinds of Spec Kit document and what a proposal from a run can be, as the database allows
 * them (spec_docs_kind_valid, spec_proposals_status_valid) and as the Spec Kit tab names them.
 */

/** In Spec Kit reading order; `other` is anything else (a blank document). */
export const SPEC_DOC_KINDS = ['constitution', 'spec', 'plan', 'tasks', 'other'] as const
export type SpecDocKind = (typeof SPEC_DOC_KINDS)[number]

/** What "Add a document" offers: a template per Spec Kit kind, or blank. */
export const SPEC_DOC_TEMPLATE_LABELS: Readonly<Record<SpecDocKind, string>> = {
  constitution: 'Constitution',
  spec: 'Spec (PRD)',
  plan: 'Plan',
  tasks: 'Tasks',
  other: 'Blank',
}

export function isSpecDocKind(value: unknown): value is SpecDocKind {
  return typeof value === 'string' && (SPEC_DOC_KINDS as readonly string[]).includes(value)
}

export const SPEC_PROPOSAL_STATUSES = ['open', 'applied', 'dismissed'] as const
export type SpecProposalStatus = (typeof SPEC_PROPOSAL_STATUSES)[number]
