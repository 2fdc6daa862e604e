import { SegmentedControl } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import { addSpecComment, editSpecComment, setSpecThreadResolved } from '../../../client/spec-comments.ts'
import type { SpecDocRow } from '../../../client/types.ts'
import { parseAnchors, type SpecAnchor } from '../../../../supabase/functions/_shared/spec/anchors.ts'
import { useMembers } from '../../hooks/use-members.ts'
import { useSession } from '../../hooks/use-session.ts'
import { useServices } from '../../services/services-context.ts'
import {
  anchorCounts,
  anchoredBlocks,
  specThreads,
  THREAD_FILTER_LABELS,
  THREAD_FILTERS,
  threadMatches,
  type ThreadFilter,
} from '../../view-models/spec-comment-threads.ts'
import { AnchoredDocument, type SelectedPassage } from './anchored-document.tsx'
import { anchorLabel } from './anchor-label.ts'
import { CommentComposer } from './comment-composer.tsx'
import { ThreadCard, type ThreadActions } from './thread-card.tsx'
import { useSpecComments } from './use-spec-comments.ts'
import styles from './spec-comments.css'

export interface SpecCommentsProps {
  /** The saved document: comments are on its current version. */
  doc: SpecDocRow
}

/** Where a new thread goes: an anchor, a selected passage, or both. */
interface NewThreadTarget {
  anchor: SpecAnchor | null
  quote: string | null
}

/**
 * The document with a comment count beside each requirement, task, story and heading, and the
 * threads panel: add on an anchor or a selected passage, reply, edit your own, resolve and reopen,
 * @mention members, filter (open, mine, mentions me). Live for everyone in the workspace.
 */
export function SpecComments({ doc }: SpecCommentsProps) {
  const services = useServices()
  const { client } = services
  const session = useSession(client)
  const me = session.status === 'signed-in' ? session.user.id : null
  const { members: rows } = useMembers(services, doc.workspace_id)
  const members = useMemo(() => (rows ?? []).map((m) => ({ id: m.user_id, name: m.display_name })), [rows])
  const { comments, live, error, put } = useSpecComments(client, doc.workspace_id, doc.id)

  const anchors = useMemo(() => parseAnchors(doc.content), [doc.content])
  const blocks = useMemo(() => anchoredBlocks(doc.content, anchors), [doc.content, anchors])
  const threads = useMemo(() => (comments === null ? [] : specThreads(comments, doc.content, anchors)), [comments, doc.content, anchors])
  const counts = useMemo(() => anchorCounts(threads), [threads])

  const [filter, setFilter] = useState<ThreadFilter>('open')
  const [focus, setFocus] = useState<SpecAnchor | null>(null)
  const [passage, setPassage] = useState<SelectedPassage | null>(null)
  const [target, setTarget] = useState<NewThreadTarget | null>(null)

  const actions: ThreadActions = {
    reply: async (threadId, body, mentions) =>
      put(await addSpecComment(client, { docId: doc.id, docVersion: doc.version, body, threadId, mentions })),
    edit: async (id, body, mentions) => put(await editSpecComment(client, id, body, mentions)),
    resolve: async (threadId, resolved) => put(await setSpecThreadResolved(client, threadId, resolved)),
  }

  const pickAnchor = (anchor: SpecAnchor) => {
    setFocus(anchor)
    // An anchor without threads opens straight into writing the first comment.
    setTarget(counts.has(anchor.key) ? null : { anchor, quote: null })
  }

  const shown = focus === null ? threads.filter((t) => threadMatches(t, filter, me)) : threads.filter((t) => t.anchor?.key === focus.key)
  const current = shown.filter((t) => t.outdated === null)
  const outdated = shown.filter((t) => t.outdated !== null)
  const now = Date.now()
  const targetLabel = target === null ? '' : target.anchor === null ? 'the selected passage' : anchorLabel(target.anchor)

  return (
    <div class={styles.layout} data-spec-comments={doc.slug}>
      <AnchoredDocument
        title={doc.title}
        blocks={blocks}
        counts={counts}
        focusKey={focus?.key ?? null}
        onPickAnchor={pickAnchor}
        onSelectPassage={setPassage}
      />
      <aside class={styles.panel} aria-label="Comments" data-comments-panel>
        <div class={styles.panelHead}>
          <h2 class={styles.heading}>{focus === null ? 'Comments' : `Comments on ${anchorLabel(focus)}`}</h2>
          <span class={live ? styles.live : styles.muted} data-comments-live={live ? 'true' : 'false'}>
            {live ? 'Live' : 'Connecting…'}
          </span>
        </div>
        {focus === null ? (
          <SegmentedControl
            value={filter}
            onValueChange={(value) => {
              const chosen = THREAD_FILTERS.find((one) => one === value)
              if (chosen) setFilter(chosen)
            }}
            options={THREAD_FILTERS.map((value) => ({ value, children: THREAD_FILTER_LABELS[value] }))}
          />
        ) : (
          <div class={styles.panelBar}>
            <button
              type="button"
              class={styles.textButton}
              onClick={() => {
                setFocus(null)
                setTarget(null)
              }}
              data-all-threads
            >
              ← All threads
            </button>
            <span class={styles.spacer} />
            <button type="button" class={styles.textButton} onClick={() => setTarget({ anchor: focus, quote: null })} data-new-thread>
              New thread on {anchorLabel(focus)}
            </button>
          </div>
        )}
        {focus !== null ? <p class={styles.anchorText}>{focus.text}</p> : null}
        {passage === null || target !== null ? null : (
          <div class={styles.panelBar}>
            <button
              type="button"
              class={styles.textButton}
              onClick={() => setTarget({ anchor: passage.anchor, quote: passage.quote })}
              data-comment-on-selection
            >
              Comment on the selected passage
            </button>
          </div>
        )}
        {target === null ? null : (
          <div class={styles.newThread} data-new-thread-form>
            {target.quote === null ? null : <blockquote class={styles.quote}>{target.quote}</blockquote>}
            <CommentComposer
              label={`Comment on ${targetLabel}`}
              submitLabel="Comment"
              members={members}
              autoFocus
              onSubmit={async (body, mentions) => {
                const row = await addSpecComment(client, {
                  docId: doc.id,
                  docVersion: doc.version,
                  body,
                  mentions,
                  anchorKey: target.anchor?.key ?? null,
                  anchorText: target.anchor?.text ?? null,
                  quote: target.quote,
                })
                put(row)
                setTarget(null)
                setPassage(null)
              }}
              onCancel={() => setTarget(null)}
            />
          </div>
        )}
        {error === null ? null : (
          <p class={styles.problem} role="alert">
            {error}
          </p>
        )}
        {comments === null && error === null ? <p class={styles.muted}>Loading the comments…</p> : null}
        {comments !== null && shown.length === 0 && target === null ? (
          <p class={styles.muted} data-no-threads>
            {focus !== null
              ? 'No comments here yet.'
              : threads.length === 0
                ? 'No comments yet. Pick + beside a requirement, or select a passage, to start a thread.'
                : 'No thread matches this filter.'}
          </p>
        ) : null}
        <div class={styles.threads}>
          {current.map((thread) => (
            <ThreadCard key={thread.root.id} thread={thread} me={me} members={members} actions={actions} now={now} />
          ))}
          {outdated.length === 0 ? null : <h3 class={styles.subheading}>Outdated</h3>}
          {outdated.map((thread) => (
            <ThreadCard key={thread.root.id} thread={thread} me={me} members={members} actions={actions} now={now} />
          ))}
        </div>
      </aside>
    </div>
  )
}
