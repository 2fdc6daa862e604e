/**
 * What the board needs from Supabase: a document's comments (ops.spec_comments), its review
 * state (ops.spec_review_state) and its members' names, and adding a confirmed sticky as a
 * comment (ops.add_spec_comment). A thin adapter by the column and function names of the spec
 * review contract: the comments and reviews modules (spec-comments.ts, spec-reviews.ts) and
 * their generated types replace it where they exist, which is why it reaches those tables
 * through an untyped client.
 */
import { parseAnchors } from '../../supabase/functions/_shared/spec/anchors.ts'
import { isSpecReviewState } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { postgrestError } from './errors.ts'
import { isRecord } from '../is-record.ts'
import {
  buildSpecBoardData,
  stickyCommentArgs,
  type BoardCommentRow,
  type SpecBoardData,
  type SpecBoardSuggestion,
} from './spec-board-model.ts'
import type { OpsClient } from './supabase.ts'
import type { SpecDocRow } from './types.ts'

interface LooseResult {
  data: unknown
  error: { message?: string; code?: string; hint?: string | null } | null
  status: number
}

/** The calls this adapter makes, untyped: the generated types do not list the spec review tables and functions yet. */
interface LooseClient {
  from(table: string): { select(columns: string): { eq(column: string, value: string): PromiseLike<LooseResult> } }
  rpc(fn: string, args: Record<string, unknown>): PromiseLike<LooseResult>
}

function untyped(client: OpsClient): LooseClient {
  // The same supabase-js client, seen without the generated types until the comments and reviews
  // migrations regenerate them; every row read is checked below.
  const loose: unknown = client
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- see above
  return loose as LooseClient
}

function commentRow(value: unknown): BoardCommentRow {
  const text = (key: string) => (isRecord(value) && typeof value[key] === 'string' ? value[key] : null)
  const id = text('id')
  const body = text('body')
  const author = text('author_id')
  if (!isRecord(value) || id === null || body === null || author === null) {
    throw new Error('Could not read the document’s comments: a row has no id, body or author')
  }
  return {
    id,
    body,
    author_id: author,
    thread_id: text('thread_id'),
    anchor_key: text('anchor_key'),
    resolved_at: text('resolved_at'),
    source: value.source ?? null,
  }
}

const COMMENT_COLUMNS = 'id, thread_id, anchor_key, body, author_id, resolved_at, source'

async function listBoardComments(client: OpsClient, docId: string): Promise<BoardCommentRow[]> {
  const { data, error, status } = await untyped(client).from('spec_comments').select(COMMENT_COLUMNS).eq('doc_id', docId)
  if (error) throw postgrestError('Could not read the document’s comments', error, status)
  return Array.isArray(data) ? data.map(commentRow) : []
}

async function fetchBoardReview(client: OpsClient, docId: string): Promise<SpecBoardData['review']> {
  const { data, error, status } = await untyped(client).rpc('spec_review_state', { p_doc_id: docId })
  if (error) throw postgrestError('Could not read the document’s review state', error, status)
  const state = isRecord(data) ? data.state : undefined
  const approved = isRecord(data) ? data.approved_version : undefined
  return {
    state: isSpecReviewState(state) ? state : 'not_requested',
    approvedVersion: typeof approved === 'number' ? approved : null,
  }
}

async function memberNames(client: OpsClient, workspaceId: string): Promise<Map<string, string>> {
  const { data, error, status } = await client.from('workspace_members').select('user_id, display_name').eq('workspace_id', workspaceId)
  if (error) throw postgrestError('Could not read the names of the workspace’s members', error, status)
  return new Map(data.map((member) => [member.user_id, member.display_name]))
}

/** Everything the document's section shows, read now. */
export async function loadSpecBoard(client: OpsClient, doc: SpecDocRow): Promise<SpecBoardData> {
  const [comments, review, names] = await Promise.all([
    listBoardComments(client, doc.id),
    fetchBoardReview(client, doc.id),
    memberNames(client, doc.workspace_id),
  ])
  return buildSpecBoardData({ doc, anchors: parseAnchors(doc.content), review, comments, names })
}

/** The confirmed sticky as the signed-in member's comment on its requirement; returns the new comment's id. */
export async function addStickyComment(client: OpsClient, suggestion: SpecBoardSuggestion, docVersion: number): Promise<string> {
  const { data, error, status } = await untyped(client).rpc('add_spec_comment', stickyCommentArgs(suggestion, docVersion))
  if (error) throw postgrestError('Could not add the sticky as a comment', error, status)
  const id = isRecord(data) ? data.id : undefined
  if (typeof id !== 'string') throw new Error('Could not add the sticky as a comment: the database returned no comment')
  return id
}
