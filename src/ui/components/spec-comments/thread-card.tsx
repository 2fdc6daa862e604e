import { Fragment, h } from 'preact'
import { useState } from 'preact/hooks'
import type { SpecCommentRow } from '../../../client/spec-comments.ts'
import { formatAge } from '../../view-models/times.ts'
import type { SpecThread } from '../../view-models/spec-comment-threads.ts'
import { anchorLabel } from './anchor-label.ts'
import { CommentComposer, type MentionableMember } from './comment-composer.tsx'
import styles from './spec-comments.css'

export interface ThreadActions {
  reply(threadId: string, body: string, mentions: string[]): Promise<void>
  edit(commentId: string, body: string, mentions: string[]): Promise<void>
  resolve(threadId: string, resolved: boolean): Promise<void>
}

export interface ThreadCardProps {
  thread: SpecThread
  me: string | null
  members: readonly MentionableMember[]
  actions: ThreadActions
  now: number
}

/** One thread: what it is on (or was, if outdated), its comments, reply, edit your own, resolve. */
export function ThreadCard({ thread, me, members, actions, now }: ThreadCardProps) {
  const [replying, setReplying] = useState(false)
  const [editing, setEditing] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const { root } = thread
  const nameOf = (id: string | null) => (id === null ? 'a former member' : (members.find((m) => m.id === id)?.name ?? 'a former member'))
  const on =
    thread.anchor !== undefined
      ? anchorLabel(thread.anchor)
      : root.anchor_key !== null
        ? root.anchor_key.replace(/^h:/, '')
        : 'the document'

  const toggleResolved = () => {
    setProblem(null)
    actions
      .resolve(root.id, !thread.resolved)
      .catch((caught: unknown) => setProblem(caught instanceof Error ? caught.message : String(caught)))
  }

  const comment = (row: SpecCommentRow) => (
    <li key={row.id} class={styles.comment} data-comment={row.id}>
      <div class={styles.byline}>
        <strong>{nameOf(row.author_id)}</strong>
        <span class={styles.muted}>
          {formatAge(row.created_at, now)}
          {row.edited_at === null ? '' : ' · edited'}
        </span>
      </div>
      {editing === row.id ? (
        <CommentComposer
          label="Edit your comment"
          submitLabel="Save"
          members={members}
          initialBody={row.body}
          initialMentions={row.mentions}
          onSubmit={async (body, mentions) => {
            await actions.edit(row.id, body, mentions)
            setEditing(null)
          }}
          onCancel={() => setEditing(null)}
          autoFocus
        />
      ) : (
        <Fragment>
          <p class={styles.body} data-comment-body-text>
            <CommentText body={row.body} names={row.mentions.map(nameOf)} />
          </p>
          {row.author_id !== null && row.author_id === me ? (
            <button type="button" class={styles.textButton} onClick={() => setEditing(row.id)} data-edit-comment>
              Edit
            </button>
          ) : null}
        </Fragment>
      )}
    </li>
  )

  return (
    <article
      class={thread.outdated !== null ? `${styles.thread} ${styles.outdatedThread}` : styles.thread}
      aria-label={`Thread on ${on}`}
      data-thread={root.id}
      data-thread-anchor={root.anchor_key ?? ''}
      data-outdated={thread.outdated ?? undefined}
      data-resolved={thread.resolved ? 'true' : undefined}
    >
      <header class={styles.threadHead}>
        <span class={styles.anchorName}>{on}</span>
        {thread.outdated === null ? null : (
          <span class={styles.outdatedBadge} data-outdated-badge>
            Outdated
          </span>
        )}
        {thread.resolved ? <span class={styles.resolvedBadge}>Resolved</span> : null}
        <span class={styles.spacer} />
        <span class={styles.muted}>on version {root.doc_version}</span>
      </header>
      {thread.outdated === null ? null : (
        <p class={styles.outdatedNote}>
          {thread.outdated === 'anchor_gone' ? `${on} is no longer in the document.` : 'The passage is no longer in the text.'}
          {root.anchor_text !== null && thread.outdated === 'anchor_gone' ? ` It read: “${root.anchor_text}”` : ''}
        </p>
      )}
      {root.quote === null ? null : <blockquote class={styles.quote}>{root.quote}</blockquote>}
      <ol class={styles.comments}>
        {comment(root)}
        {thread.replies.map(comment)}
      </ol>
      {replying ? (
        <CommentComposer
          label={`Reply on ${on}`}
          submitLabel="Reply"
          members={members}
          onSubmit={async (body, mentions) => {
            await actions.reply(root.id, body, mentions)
            setReplying(false)
          }}
          onCancel={() => setReplying(false)}
          autoFocus
        />
      ) : (
        <div class={styles.threadBar}>
          <button type="button" class={styles.textButton} onClick={() => setReplying(true)} data-reply>
            Reply
          </button>
          <button type="button" class={styles.textButton} onClick={toggleResolved} data-resolve-thread>
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
        </div>
      )}
      {problem === null ? null : (
        <p class={styles.problem} role="alert">
          {problem}
        </p>
      )}
    </article>
  )
}

/** The comment as plain text (Preact escapes it), with the mentioned names in bold. */
function CommentText({ body, names }: { body: string; names: readonly string[] }) {
  const mentions = [...new Set(names)].map((name) => `@${name}`).sort((a, b) => b.length - a.length)
  if (mentions.length === 0) return <Fragment>{body}</Fragment>
  const parts: Array<string | { mention: string }> = []
  let rest = body
  for (;;) {
    let best: { at: number; mention: string } | null = null
    for (const mention of mentions) {
      const at = rest.indexOf(mention)
      if (at >= 0 && (best === null || at < best.at)) best = { at, mention }
    }
    if (best === null) break
    parts.push(rest.slice(0, best.at), { mention: best.mention })
    rest = rest.slice(best.at + best.mention.length)
  }
  parts.push(rest)
  return (
    <Fragment>
      {parts.map((part, index) =>
        typeof part === 'string' ? (
          part
        ) : (
          <strong key={index} class={styles.mention}>
            {part.mention}
          </strong>
        ),
      )}
    </Fragment>
  )
}
