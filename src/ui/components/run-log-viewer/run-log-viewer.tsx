import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { EventLevel, RunRow, RunStreamHandle } from '../../../client/types.ts'
import { copyText, downloadText } from '../../browser/save-text.ts'
import { useRunStream } from '../../hooks/use-run-stream.ts'
import { useSession } from '../../hooks/use-session.ts'
import { useServices } from '../../services/services-context.ts'
import { approvalWait } from '../../view-models/approval-wait.ts'
import { passesLevel } from '../../view-models/log-levels.ts'
import { flattenLogTree, groupKeysOfSeq, groupLogEvents, rowIndexBySeq } from '../../view-models/log-rows.ts'
import { matchingSeqs, stepMatch } from '../../view-models/log-search.ts'
import { logFileName, logText } from '../../view-models/log-text.ts'
import { ApprovalPanel } from '../approval-panel/approval-panel.tsx'
import { ArtifactsSidebar } from '../artifacts-sidebar/artifacts-sidebar.tsx'
import { LogToolbar } from '../log-toolbar/log-toolbar.tsx'
import { RunHeader } from '../run-header/run-header.tsx'
import { RunPeople } from '../run-people/run-people.tsx'
import type { WorkspaceRole } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { VirtualLogList, type RevealRequest } from '../virtual-log-list/virtual-log-list.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './run-log-viewer.css'

const LOG_ROW_HEIGHT = 20

export interface RunLogViewerProps {
  runId: string
  /** A stream opened before the run was started (so no line is missed); the viewer closes it. */
  stream?: RunStreamHandle | null
  /** A re-run started: show it instead. */
  onOpenRun: (runId: string, stream: RunStreamHandle | null) => void
  /** Back to where the run was opened from; no Back button without it. */
  onBack?: () => void
  /** Put the run on the board; no Add to board button without it (the widget has its cards). */
  onAddToBoard?: (run: RunRow) => void
  /** The signed-in person's role in a workspace, when known: a role that cannot decide is told why. */
  roleIn?: (workspaceId: string) => WorkspaceRole | null
}

/** One run, live: status, duration, the log (virtualised), artifacts and what can be done to it. */
export function RunLogViewer({ runId, stream = null, onBack, onOpenRun, onAddToBoard, roleIn }: RunLogViewerProps) {
  const services = useServices()
  const handle = useMemo(() => stream ?? services.openRunStream(runId), [runId, stream, services])
  useEffect(() => () => void handle.close(), [handle])
  const state = useRunStream(handle)
  const { run, events, artifacts } = state
  const session = useSession(services.client)
  const wait =
    run === null ? null : approvalWait(run, session.status === 'signed-in' ? session.user.id : null, roleIn?.(run.workspace_id) ?? null)

  const [minLevel, setMinLevel] = useState<EventLevel>('debug')
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const [query, setQuery] = useState('')
  const [matchIndex, setMatchIndex] = useState(-1)
  const [follow, setFollow] = useState(true)
  const [revealSeq, setRevealSeq] = useState<{ seq: number; token: number } | null>(null)
  const [reveal, setReveal] = useState<RevealRequest | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const tree = useMemo(() => groupLogEvents(events), [events])
  const stepTitles = useMemo(() => new Map((run?.plan?.steps ?? []).map((step) => [step.id, step.title] as [string, string])), [run?.plan])
  const rows = useMemo(() => flattenLogTree(tree, { minLevel, collapsed, stepTitles }), [tree, minLevel, collapsed, stepTitles])
  const shownEvents = useMemo(() => events.filter((event) => passesLevel(event.level, minLevel)), [events, minLevel])
  const matches = useMemo(() => matchingSeqs(shownEvents, query), [shownEvents, query])
  const currentSeq = matchIndex >= 0 && matchIndex < matches.length ? matches[matchIndex] : null

  // Bring a search match into view once its groups are open.
  useEffect(() => {
    if (revealSeq === null) return
    const index = rowIndexBySeq(rows).get(revealSeq.seq)
    if (index === undefined) return
    setReveal({ index, token: revealSeq.token })
    // Once: new lines arriving later must not pull the view back to the match.
    setRevealSeq(null)
  }, [revealSeq, rows])

  const goToMatch = (index: number) => {
    setMatchIndex(index)
    const seq = matches[index]
    if (seq === undefined) return
    const keys = groupKeysOfSeq(tree, seq).filter((key) => collapsed.has(key))
    if (keys.length > 0) setCollapsed(new Set([...collapsed].filter((key) => !keys.includes(key))))
    setFollow(false)
    setRevealSeq({ seq, token: Date.now() })
  }

  const onQueryChange = (next: string) => {
    setQuery(next)
    setMatchIndex(-1)
  }

  const toggleGroup = (key: string) => {
    const next = new Set(collapsed)
    if (next.has(key)) next.delete(key)
    else next.add(key)
    setCollapsed(next)
  }

  const flash = (text: string) => {
    setNotice(text)
    setTimeout(() => setNotice((current) => (current === text ? null : current)), 2500)
  }

  /** Runs one action on the run; it never rejects: a failure is shown above the log. */
  async function act(name: string, action: () => Promise<unknown>): Promise<void> {
    setBusy(name)
    setActionError(null)
    try {
      await action()
    } catch (error) {
      setActionError(errorMessage(error))
    } finally {
      setBusy(null)
    }
  }

  const copyLog = async (): Promise<void> => {
    try {
      flash((await copyText(logText(shownEvents))) ? `Copied ${shownEvents.length} lines` : 'Copying was blocked; use Download')
    } catch (error) {
      flash(`Could not copy the log: ${errorMessage(error)}`)
    }
  }

  const rerun = (previous: RunRow) =>
    act('rerun', async () => {
      let opened: RunStreamHandle | null = null
      const next = await services.api.rerun(previous, {
        onCreated: (created) => {
          opened = services.openRunStream(created.id)
          onOpenRun(created.id, opened)
        },
      })
      if (opened === null) onOpenRun(next.id, null)
    })

  return (
    <section class={styles.viewer} aria-label="Run log" data-run-viewer={runId}>
      <RunHeader
        run={run}
        live={state.live}
        onBack={onBack}
        busy={busy}
        onCancel={() => {
          if (run !== null) void act('cancel', () => services.api.cancelRun(run.id))
        }}
        onRerun={() => {
          if (run !== null) void rerun(run)
        }}
        onAddToBoard={
          onAddToBoard &&
          (() => {
            if (run === null) return
            onAddToBoard(run)
            flash('Adding a card to the board…')
          })
        }
      />
      {run === null ? null : <RunPeople run={run} />}
      {run !== null && (run.summary !== null || run.error !== null) ? (
        <p class={run.status === 'error' ? `${styles.summary} ${styles.failed}` : styles.summary} data-summary>
          {run.error ?? run.summary}
        </p>
      ) : null}
      {state.error === null ? null : (
        <p class={`${styles.summary} ${styles.failed}`} role="alert">
          {state.error}
        </p>
      )}
      {actionError === null ? null : (
        <p class={`${styles.summary} ${styles.failed}`} role="alert">
          {actionError}
        </p>
      )}
      {run !== null && wait !== null ? (
        <ApprovalPanel
          wait={wait}
          busy={busy !== null}
          onDecide={(approve, comment) =>
            void act(approve ? 'approve' : 'reject', () => services.api.decideApproval(run.id, approve, comment))
          }
        />
      ) : null}
      <LogToolbar
        minLevel={minLevel}
        onMinLevelChange={setMinLevel}
        query={query}
        onQueryChange={onQueryChange}
        matchIndex={matchIndex}
        matchCount={matches.length}
        onStepMatch={(direction) => goToMatch(stepMatch(matchIndex, matches.length, direction))}
        onCopy={() => void copyLog()}
        onDownload={() => downloadText(logFileName(runId), logText(shownEvents))}
        notice={notice}
      />
      <div class={styles.body}>
        <div class={styles.log}>
          {events.length === 0 ? (
            <p class={styles.empty}>
              {run !== null && run.status === 'queued' ? 'Queued: waiting for an executor to claim the run…' : 'No log lines yet.'}
            </p>
          ) : null}
          <VirtualLogList
            rows={rows}
            rowHeight={LOG_ROW_HEIGHT}
            follow={follow}
            onFollowChange={setFollow}
            onNearTop={() => {
              if (state.hasOlder && !state.loadingOlder) void handle.loadOlder()
            }}
            loadingOlder={state.loadingOlder}
            reveal={reveal}
            query={query}
            currentSeq={currentSeq}
            onToggleGroup={toggleGroup}
          />
          {follow ? null : (
            <button type="button" class={styles.jump} onClick={() => setFollow(true)} data-jump-latest>
              ↓ Jump to latest
            </button>
          )}
        </div>
        <ArtifactsSidebar artifacts={artifacts} />
      </div>
    </section>
  )
}
