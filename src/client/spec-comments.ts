/**
 * Comments on Spec Kit documents through supabase-js: listed over REST (row-level security shows a
 * workspace's members its comments and nobody else anything), written through the SQL functions
 * of the spec-comments migration, and heard live on the workspace's private Broadcast topic
 * `workspace:<id>:spec`, where the database sends each change once (`comment` with the row,
 * `comment_deleted` with its id).
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { postgrestError } from './errors.ts'
import { withIsoTimes } from './row-versions.ts'
import { isObject } from './shared-channel.ts'
import { joinSpecChannel } from './spec-channel.ts'
import type { OpsClient } from './supabase.ts'

export type SpecCommentRow = Database['ops']['Tables']['spec_comments']['Row']

/** What a person writes: a thread (on an anchor, a passage, or both) or, with `threadId`, a reply. */
export interface NewSpecComment {
  docId: string
  /** The revision the person was reading. */
  docVersion: number
  body: string
  anchorKey?: string | null
  anchorText?: string | null
  quote?: string | null
  threadId?: string | null
  mentions?: readonly string[]
  /** Where the comment came from when not typed in the plugin (a sticky on the board). */
  source?: Record<string, string> | null
}

/** What the topic says: a comment added or changed, one deleted, or the subscription's state. */
export type SpecCommentChange =
  | { type: 'comment'; comment: SpecCommentRow }
  | { type: 'comment_deleted'; id: string }
  /** live: true once joined (reload then: changes before it were not heard); false while not. */
  | { type: 'live'; live: boolean }

/** The Broadcast topic of a workspace's spec changes. */

/** A comment is at most this long; the database refuses longer ones with the same words. */
export const SPEC_COMMENT_MAX_CHARS = 10_000

const TIMES = ['created_at', 'edited_at', 'resolved_at'] as const

/** Every comment of a document, oldest first (threads and their replies). */
export async function listSpecComments(client: OpsClient, docId: string): Promise<SpecCommentRow[]> {
  const { data, error, status } = await client.from('spec_comments').select('*').eq('doc_id', docId).order('created_at').order('id')
  if (error) throw postgrestError('Could not load the comments', error, status)
  return data.map((row) => withIsoTimes(row, TIMES))
}

export async function addSpecComment(client: OpsClient, input: NewSpecComment): Promise<SpecCommentRow> {
  const { data, error, status } = await client.rpc('add_spec_comment', {
    p_doc_id: input.docId,
    p_body: input.body,
    p_doc_version: input.docVersion,
    p_anchor_key: input.anchorKey ?? undefined,
    p_anchor_text: input.anchorText ?? undefined,
    p_quote: input.quote ?? undefined,
    p_thread_id: input.threadId ?? undefined,
    p_mentions: [...(input.mentions ?? [])],
    p_source: input.source ?? undefined,
  })
  if (error) throw postgrestError(input.threadId ? 'Could not reply' : 'Could not add the comment', error, status)
  return withIsoTimes(data, TIMES)
}

/** Changes the body and mentions of one's own comment. */
export async function editSpecComment(client: OpsClient, id: string, body: string, mentions: readonly string[]): Promise<SpecCommentRow> {
  const { data, error, status } = await client.rpc('edit_spec_comment', { p_id: id, p_body: body, p_mentions: [...mentions] })
  if (error) throw postgrestError('Could not save the edit', error, status)
  return withIsoTimes(data, TIMES)
}

/** Resolves or reopens a thread, through its first comment. */
export async function setSpecThreadResolved(client: OpsClient, threadId: string, resolved: boolean): Promise<SpecCommentRow> {
  const { data, error, status } = await client.rpc('set_spec_thread_resolved', { p_id: threadId, p_resolved: resolved })
  if (error) throw postgrestError(resolved ? 'Could not resolve the thread' : 'Could not reopen the thread', error, status)
  return withIsoTimes(data, TIMES)
}

/**
 * Hears the workspace's comment changes until the returned function is called, on the workspace's
 * Spec Kit topic (shared with reviews and proposals). The join carries the session's token, so
 * Realtime admits members only; an outsider's join is refused and reported as not live.
 */
export function subscribeSpecComments(client: OpsClient, workspaceId: string, onChange: (change: SpecCommentChange) => void): () => void {
  const leave = joinSpecChannel(client, workspaceId, {
    message: (event, payload) => {
      if (event === 'comment' && isCommentRow(payload)) onChange({ type: 'comment', comment: withIsoTimes(payload, TIMES) })
      const id = isObject(payload) ? payload.id : undefined
      if (event === 'comment_deleted' && typeof id === 'string') onChange({ type: 'comment_deleted', id })
    },
    status: (status) => onChange({ type: 'live', live: status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED }),
  })
  return () => void leave()
}

function isCommentRow(value: unknown): value is SpecCommentRow {
  return isObject(value) && typeof value.id === 'string' && typeof value.doc_id === 'string' && typeof value.body === 'string'
}
