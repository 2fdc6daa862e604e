import { h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import { addSpecComment, editSpecComment, setSpecThreadResolved } from '../../../client/spec-comments.ts'
import type { SpecDocRow } from '../../../client/types.ts'
import { useMembers } from '../../hooks/use-members.ts'
import { useSession } from '../../hooks/use-session.ts'
import { useServices } from '../../services/services-context.ts'
import { proposalAnchorKey, proposalThreads } from '../../view-models/spec-comment-threads.ts'
import { CommentComposer } from './comment-composer.tsx'
import { ThreadCard, type ThreadActions } from './thread-card.tsx'
import { useSpecComments } from './use-spec-comments.ts'
import styles from './spec-comments.css'

export interface ProposalDiscussionProps {
  doc: SpecDocRow
  proposalId: string
}

/**
 * The discussion of a run's proposed change, under its diff: threads that reviewers start on the
 * proposal (stored as comments of the document keyed to the proposal), live like every comment.
 */
export function ProposalDiscussion({ doc, proposalId }: ProposalDiscussionProps) {
  const services = useServices()
  const { client } = services
  const session = useSession(client)
  const me = session.status === 'signed-in' ? session.user.id : null
  const { members: rows } = useMembers(services, doc.workspace_id)
  const members = useMemo(() => (rows ?? []).map((m) => ({ id: m.user_id, name: m.display_name })), [rows])
  const { comments, error, put } = useSpecComments(client, doc.workspace_id, doc.id)
  const threads = useMemo(() => (comments === null ? [] : proposalThreads(comments, proposalId)), [comments, proposalId])
  const [writing, setWriting] = useState(false)

  const actions: ThreadActions = {
    reply: async (threadId, body, mentions) =>
      put(await addSpecComment(client, { docId: doc.id, docVersion: doc.version, body, threadId, mentions })),
    edit: async (id, body, mentions) => put(await editSpecComment(client, id, body, mentions)),
    resolve: async (threadId, resolved) => put(await setSpecThreadResolved(client, threadId, resolved)),
  }
  const now = Date.now()

  return (
    <div class={styles.threads} data-proposal-discussion={proposalId}>
      {error === null ? null : (
        <p class={styles.problem} role="alert">
          {error}
        </p>
      )}
      {threads.map((thread) => (
        <ThreadCard key={thread.root.id} thread={thread} me={me} members={members} actions={actions} now={now} />
      ))}
      {writing ? (
        <CommentComposer
          label="Comment on this proposed change"
          submitLabel="Comment"
          members={members}
          autoFocus
          onSubmit={async (body, mentions) => {
            put(
              await addSpecComment(client, {
                docId: doc.id,
                docVersion: doc.version,
                body,
                mentions,
                anchorKey: proposalAnchorKey(proposalId),
                anchorText: 'Proposed change',
              }),
            )
            setWriting(false)
          }}
          onCancel={() => setWriting(false)}
        />
      ) : (
        <button type="button" class={styles.textButton} onClick={() => setWriting(true)} data-discuss-proposal>
          {threads.length === 0 ? 'Comment on this change' : 'New thread on this change'}
        </button>
      )}
    </div>
  )
}
