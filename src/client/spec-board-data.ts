/**
 * What the board needs from Supabase: a document's comments, its review state and its members'
 * names, read together; and a confirmed sticky added as the member's comment.
 */
import { parseAnchors } from '../../supabase/functions/_shared/spec/anchors.ts'
import { postgrestError } from './errors.ts'
import { buildSpecBoardData, stickyComment, type SpecBoardData, type SpecBoardSuggestion } from './spec-board-model.ts'
import { addSpecComment, listSpecComments } from './spec-comments.ts'
import { fetchReviewState } from './spec-reviews.ts'
import type { OpsClient } from './supabase.ts'
import type { SpecDocRow } from './types.ts'

async function memberNames(client: OpsClient, workspaceId: string): Promise<Map<string, string>> {
  const { data, error, status } = await client.from('workspace_members').select('user_id, display_name').eq('workspace_id', workspaceId)
  if (error) throw postgrestError('Could not read the names of the workspace’s members', error, status)
  return new Map(data.map((member) => [member.user_id, member.display_name]))
}

/** Everything the document's section shows, read now. */
export async function loadSpecBoard(client: OpsClient, doc: SpecDocRow): Promise<SpecBoardData> {
  const [comments, review, names] = await Promise.all([
    listSpecComments(client, doc.id),
    fetchReviewState(client, doc.id),
    memberNames(client, doc.workspace_id),
  ])
  return buildSpecBoardData({
    doc,
    anchors: parseAnchors(doc.content),
    review: { state: review.state, approvedVersion: review.approvedVersion },
    comments,
    names,
  })
}

/** The confirmed sticky as the signed-in member's comment on its requirement; returns the new comment's id. */
export async function addStickyComment(client: OpsClient, suggestion: SpecBoardSuggestion, docVersion: number): Promise<string> {
  const comment = await addSpecComment(client, stickyComment(suggestion, docVersion))
  return comment.id
}
