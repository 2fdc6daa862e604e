/**
 * Spec review through supabase-js: a document's review state, asking for a review, deciding, naming
 * required reviewers, and hearing changes live. The database decides who may do what
 * (20250201001100_spec_reviews.sql); a refusal is an OpsApiError whose message says why.
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js'
import { isRecord } from '../is-record.ts'
import { postgrestError } from './errors.ts'
import { joinSpecChannel } from './spec-channel.ts'
import type { OpsClient } from './supabase.ts'
import {
  isSpecReviewState,
  SPEC_REVIEW_DECISIONS,
  type SpecReviewDecision,
  type SpecReviewState,
} from '../../supabase/functions/_shared/vocabulary/index.ts'

/** One reviewer's decision on one version; `stale` once the document has a newer version. */
interface SpecReviewDecisionView {
  reviewerId: string | null
  decision: SpecReviewDecision
  docVersion: number
  summary: string
  createdAt: string
  stale: boolean
}

/** What ops.spec_review_state answers, read into checked fields. */
export interface SpecReviewStateView {
  state: SpecReviewState
  version: number
  approvedVersion: number | null
  /** Newest first, stale ones included (the history). */
  decisions: SpecReviewDecisionView[]
  /** Who the latest review request asked. */
  requested: string[]
  required: string[]
}

const isDecision = (value: unknown): value is SpecReviewDecision =>
  typeof value === 'string' && (SPEC_REVIEW_DECISIONS as readonly string[]).includes(value)
const ids = (value: unknown): string[] => (Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [])

/** The function's JSON as the view's fields; a shape this build does not know is an error, not a guess. */
function readState(value: unknown): SpecReviewStateView {
  if (!isRecord(value) || !isSpecReviewState(value.state) || typeof value.version !== 'number') {
    throw new Error('the database answered a review state this plugin does not understand; update the plugin')
  }
  const decisions = Array.isArray(value.decisions) ? value.decisions : []
  return {
    state: value.state,
    version: value.version,
    approvedVersion: typeof value.approved_version === 'number' ? value.approved_version : null,
    decisions: decisions.filter(isRecord).flatMap((row): SpecReviewDecisionView[] =>
      isDecision(row.decision) && typeof row.doc_version === 'number'
        ? [
            {
              reviewerId: typeof row.reviewer_id === 'string' ? row.reviewer_id : null,
              decision: row.decision,
              docVersion: row.doc_version,
              summary: typeof row.summary === 'string' ? row.summary : '',
              createdAt: typeof row.created_at === 'string' ? row.created_at : '',
              stale: row.stale === true,
            },
          ]
        : [],
    ),
    requested: ids(value.requested),
    required: ids(value.required),
  }
}

export async function fetchReviewState(client: OpsClient, docId: string): Promise<SpecReviewStateView> {
  const { data, error, status } = await client.rpc('spec_review_state', { p_doc_id: docId })
  if (error) throw postgrestError('Could not load the document’s review state', error, status)
  return readState(data)
}

export async function requestSpecReview(
  client: OpsClient,
  docId: string,
  version: number,
  reviewerIds: string[],
  note: string,
): Promise<void> {
  const { error, status } = await client.rpc('request_spec_review', {
    p_doc_id: docId,
    p_doc_version: version,
    p_reviewer_ids: reviewerIds,
    p_note: note,
  })
  if (error) throw postgrestError('Could not request the review', error, status)
}

export async function decideSpecReview(
  client: OpsClient,
  docId: string,
  version: number,
  decision: SpecReviewDecision,
  summary: string,
): Promise<void> {
  const { error, status } = await client.rpc('decide_spec_review', {
    p_doc_id: docId,
    p_doc_version: version,
    p_decision: decision,
    p_summary: summary,
  })
  const what = decision === 'approved' ? 'Could not approve' : 'Could not request changes'
  if (error) throw postgrestError(what, error, status)
}

export async function setRequiredReviewers(client: OpsClient, docId: string, userIds: string[]): Promise<void> {
  const { error, status } = await client.rpc('set_spec_required_reviewers', { p_doc_id: docId, p_user_ids: userIds })
  if (error) throw postgrestError('Could not name the required reviewers', error, status)
}

/**
 * Calls `onChange(docId)` whenever a document of the workspace changes its review state, and
 * `onChange(null)` when the channel is (again) live, as anything may have changed while it was not.
 */
export function subscribeSpecReviews(
  client: OpsClient,
  workspaceId: string,
  onChange: (docId: string | null) => void,
): () => Promise<void> {
  return joinSpecChannel(client, workspaceId, {
    status: (status) => {
      if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) onChange(null)
    },
    message(event, payload) {
      if (event === 'review' && isRecord(payload) && typeof payload.doc_id === 'string') onChange(payload.doc_id)
    },
  })
}
