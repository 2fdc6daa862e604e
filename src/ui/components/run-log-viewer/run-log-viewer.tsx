import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { ConnectionState, EventLevel, RunRow, RunStreamHandle, RunStreamState } from '../../../client/types.ts'
import { copyText, downloadText } from '../../browser/save-text.ts'
import { useNow } from '../../hooks/use-now.ts'
import { useRunStream } from '../../hooks/use-run-stream.ts'
import { useSessionFlag } from '../../hooks/use-session-flag.ts'
import { useSession } from '../../hooks/use-session.ts'
import { useServices } from '../../services/services-context.ts'
import { approvalWait } from '../../view-models/approval-wait.ts'
import { LogIndex } from '../../view-models/log-rows.ts'
import { LogSearch, stepMatch } from '../../view-models/log-search.ts'
import { logFileName, logText } from '../../view-models/log-text.ts'
import { lineLink } from '../../view-models/line-link.ts'
import { formatUtcDateTime, isTerminalStatus, shownStepStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
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
/** Room kept under a revealed line for the "Jump to latest" button floating over the log's bottom. */
const JUMP_BUTTON_INSET = 48
/** How long one slice of a search over a long log may take before the page gets a frame. */
const SEARCH_SLICE_MS = 8

export interface RunLogViewerProps {
  runId: string
  /** A stream opened before the run was started (so no line is missed); the viewer closes it. */
  stream?: RunStreamHandle | null
  /** A line to open at (a link to it); the log follows its tail without one. */
  lineSeq?: number | null
  /** A re-run started: show it instead. */
  onOpenRun: (runId: string, stream: RunStreamHandle | null) => void
  /** Back to where the run was opened from; no Back button without it. */
  onBack?: () => void
  /** The project's connection (the banner's): a run is not "Live" while it is down. */
  connection?: ConnectionState | null
  /** Put the run on the board; no Add to board button without it (the widget has its cards). */
  onAddToBoard?: (run: RunRow) => void
  /** The signed-in person's role in a workspace, when known: a role that cannot decide is told why. */
  roleIn?: (workspaceId: string) => WorkspaceRole | null
  /** Opens a Spec Kit document: a spec step's proposal links to its document. */
  onOpenSpecDoc?: (docId: string) => void
}

/** One run, live: status, duration, the log (virtualised), artifacts and what can be done to it. */
export function RunLogViewer({
  runId,
  stream = null,
  lineSeq = null,
  connection = null,
  onBack,
  onOpenRun,
  onAddToBoard,
  roleIn,
  onOpenSpecDoc,
}: RunLogViewerProps) {
  const services = useServices()
  const handle = useMemo(() => stream ?? services.openRunStream(runId), [runId, stream, services])
  useEffect(() => () => void handle.close(), [handle])
  const state = useRunStream(handle)
  const { run, events, artifacts } = state
  // The channel may not have noticed yet what the connection check has: the banner and "Live" agree.
  const live: RunStreamState['live'] = connection?.status === 'down' && state.live === 'live' ? 'reconnecting' : state.live
  const session = useSession(services.client)
  const wait =
    run === null ? null : approvalWait(run, session.status === 'signed-in' ? session.user.id : null, roleIn?.(run.workspace_id) ?? null)

  const [minLevel, setMinLevel] = useState<EventLevel>('debug')
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const [query, setQuery] = useState('')
  const [matchIndex, setMatchIndex] = useState(-1)
  const [follow, setFollow] = useState(lineSeq === null)
  const [wrap, setWrap] = useSessionFlag('log-wrap', false)
  // The line a link named, until it is shown (older pages load until it is there).
  const [linked, setLinked] = useState<number | null>(lineSeq)
  const [revealSeq, setRevealSeq] = useState<{ seq: number; token: number } | null>(null)
  const [reveal, setReveal] = useState<RevealRequest | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  // One index per stream, extended by each batch of new lines (never grouped again for them).
  const tree = useMemo(() => new LogIndex(), [handle])
  tree.update(events)
  const stepTitles = useMemo(() => new Map((run?.plan?.steps ?? []).map((step) => [step.id, step.title] as [string, string])), [run?.plan])
  const stepStatuses = useMemo(() => {
    const shown = new Map<string, NonNullable<ReturnType<typeof shownStepStatus>>>()
    for (const [stepId, result] of Object.entries(run?.step_results ?? {})) {
      const status = shownStepStatus(result?.status, run?.status ?? '')
      if (status !== null) shown.set(stepId, status)
    }
    return shown
  }, [run?.step_results, run?.status])
  const rows = useMemo(
    () => tree.rows({ minLevel, collapsed, stepTitles, stepStatuses }),
    [tree, events, events.count, minLevel, collapsed, stepTitles, stepStatuses],
  )
  // A running run's latest step is still going: its heading counts up each second.
  const going = run !== null && !isTerminalStatus(run.status)
  const now = useNow(going)
  // The latest step is open only while nothing came after it (a later phase's or the run's own lines).
  const lastStepKey = rows.lastStepKey()
  // Search reads new lines only, a slice per frame: a long log's matches fill in without freezing it.
  const search = useMemo(() => new LogSearch(query, minLevel), [tree, query, minLevel])
  const [searchSlices, setSearchSlices] = useState(0)
  search.scan(tree, SEARCH_SLICE_MS)
  const searching = !search.done(tree)
  useEffect(() => {
    if (!searching) return
    const timer = setTimeout(() => setSearchSlices((n) => n + 1), 0)
    return () => clearTimeout(timer)
  }, [search, events, events.count, searching, searchSlices])
  const matches = search.seqs
  const currentSeq = matchIndex >= 0 && matchIndex < matches.length ? matches[matchIndex] : query.trim() === '' ? lineSeq : null

  // A link to a line: page older lines in until it is loaded, then open its groups and show it.
  useEffect(() => {
    if (linked === null || events.firstSeq === null) return
    if (linked < events.firstSeq && state.hasOlder) {
      if (!state.loadingOlder) void handle.loadOlder()
      return
    }
    if (tree.indexOfSeq(linked) === -1) return
    const keys = tree.groupKeysOfSeq(linked).filter((key) => collapsed.has(key))
    if (keys.length > 0) setCollapsed(new Set([...collapsed].filter((key) => !keys.includes(key))))
    setFollow(false)
    setRevealSeq({ seq: linked, token: Date.now() })
    setLinked(null)
  }, [linked, events, events.count, state.hasOlder, state.loadingOlder, handle, tree, collapsed])

  // Bring a search match into view once its groups are open.
  useEffect(() => {
    if (revealSeq === null) return
    const index = rows.positionOfSeq(revealSeq.seq)
    if (index === -1) return
    setReveal({ index, token: revealSeq.token })
    // Once: new lines arriving later must not pull the view back to the match.
    setRevealSeq(null)
  }, [revealSeq, rows])

  const goToMatch = (index: number) => {
    setMatchIndex(index)
    const seq = matches[index]
    if (seq === undefined) return
    const keys = tree.groupKeysOfSeq(seq).filter((key) => collapsed.has(key))
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
      const shown = logText(events, minLevel)
      flash((await copyText(shown.text)) ? `Copied ${shown.count} lines` : 'Copying was blocked; use Download')
    } catch (error) {
      flash(`Could not copy the log: ${errorMessage(error)}`)
    }
  }

  const copyLineLink = async (seq: number): Promise<void> => {
    const link = lineLink({ runId, seq })
    flash((await copyText(link)) ? `Copied a link to line ${seq}` : `Copying was blocked: ${link}`)
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

  // The run cannot be read (someone else's, or deleted): the reason, and nothing that waits for it.
  if (run === null && state.error !== null) {
    return (
      <section class={styles.viewer} aria-label="Run log" data-run-viewer={runId}>
        <RunHeader run={null} live={state.live} onBack={onBack} unreadable busy={busy} onCancel={() => {}} onRerun={() => {}} />
        <p class={`${styles.summary} ${styles.failed}`} role="alert" data-run-error>
          {state.error}
        </p>
      </section>
    )
  }

  const levelHidesAll = events.count > 0 && rows.length === 0

  return (
    <section class={styles.viewer} aria-label="Run log" data-run-viewer={runId}>
      <RunHeader
        run={run}
        live={live}
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
        searching={searching}
        onStepMatch={(direction) => goToMatch(stepMatch(matchIndex, matches.length, direction))}
        wrap={wrap}
        onWrapChange={setWrap}
        onCopy={() => void copyLog()}
        onDownload={() => downloadText(logFileName(runId), logText(events, minLevel).text)}
        notice={notice}
      />
      <div class={styles.body}>
        <div class={styles.log}>
          {events.count === 0 ? (
            <p class={styles.empty} data-empty-log>
              {emptyLogText(run)}
            </p>
          ) : null}
          {levelHidesAll ? (
            <div class={styles.empty} data-filter-empty>
              <p>
                No {minLevel === 'error' ? 'errors' : 'warnings or errors'} in this run
                {run !== null && isTerminalStatus(run.status) ? '' : ' so far'}: {events.count}{' '}
                {events.count === 1 ? 'line is' : 'lines are'} hidden by the level filter.
              </p>
              <button type="button" class={styles.clear} onClick={() => setMinLevel('debug')} data-show-all-levels>
                Show all levels
              </button>
            </div>
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
            wrap={wrap}
            revealInset={JUMP_BUTTON_INSET}
            onCopyLineLink={(seq) => void copyLineLink(seq)}
            openStep={going && lastStepKey !== null ? { key: lastStepKey, now } : null}
          />
          {follow ? null : (
            <button type="button" class={styles.jump} onClick={() => setFollow(true)} data-jump-latest>
              ↓ Jump to latest
            </button>
          )}
        </div>
        <ArtifactsSidebar artifacts={artifacts} finished={run !== null && isTerminalStatus(run.status)} onOpenSpecDoc={onOpenSpecDoc} />
      </div>
    </section>
  )
}

/** What an empty log says: the run is queued, its log was removed by retention, or nothing was logged yet. */
function emptyLogText(run: RunRow | null): string {
  if (run?.status === 'queued') return 'Queued: waiting for an executor to claim the run…'
  if (run?.events_removed_at) {
    const lines = run.last_seq === 1 ? '1 line' : `${run.last_seq.toLocaleString('en-US')} lines`
    return (
      `This run’s log (${lines}) was removed by retention on ${formatUtcDateTime(run.events_removed_at) ?? 'an earlier date'}: ` +
      'the project deletes run logs some days after a run ends (30 by default). Its summary, steps, artifacts and audit trail are kept.'
    )
  }
  return 'No log lines yet.'
}
