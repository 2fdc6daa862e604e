/**
 * RunHistory: the current workspace's recent runs, kept current by realtime rather than polling.
 *
 * 1. Join the current workspace's private Broadcast channel `workspace:<id>:runs`: the database
 *    sends a run's row there when it is started or something a viewer sees changes (never for a
 *    log batch alone), and `run_deleted` when it is deleted; Realtime admits only the workspace's
 *    members (RLS on realtime.messages). A run of another workspace than the current one is left out.
 * 2. On SUBSCRIBED, load the newest `limit` runs over REST and merge: per run, the newer version
 *    wins (updated_at, then last_seq), and a run that arrived live during the load is kept.
 * 3. Each later change merges by id; listeners hear at most one update per `batchMs`. When a load
 *    finds the current workspace changed, the channel follows it.
 * 4. While the channel is down the list is polled every `pollMs`; while it is up, a slow resync
 *    every `resyncMs` repairs anything missed.
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js'
import { broadcastRunRow, RUN_ROW_BROADCAST } from './run-channel.ts'
import { isObject, joinSharedChannel, type SharedChannelListener } from './shared-channel.ts'
import type { OpsClient } from './supabase.ts'
import { definedFields, isOlderRow, micros, RUN_TIMES, withIsoTimes } from './row-versions.ts'
import type { OpsApi, RunRow } from './types.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export interface RunHistoryState {
  /** Newest first; null until the first load. */
  runs: RunRow[] | null
  /** Whether changes arrive live (the channel is subscribed). */
  live: boolean
  error: string | null
}

export interface RunHistoryHandle {
  readonly state: RunHistoryState
  subscribe(listener: (state: RunHistoryState) => void): () => void
  /** Load the list again now (the Retry button). */
  refresh(): Promise<void>
  close(): Promise<void>
}

export interface RunHistoryOptions {
  /** How many of the newest runs to keep (default 200). */
  limit?: number
  /** Poll interval while the channel is down, and retry delay (default 2000 ms). */
  pollMs?: number
  /** Full reload interval while live (default 30 s). */
  resyncMs?: number
  /** Live changes within this window reach listeners together (default 100 ms). */
  batchMs?: number
}

/** Newest first: created_at descending, then id, so equal times keep one order. */
function byNewest(a: RunRow, b: RunRow): number {
  const at = micros(a.created_at)
  const bt = micros(b.created_at)
  return at !== bt ? bt - at : a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/**
 * One change merged into the list: the newer version of a known run replaces it; an unknown run
 * joins if it is a whole row. Returns the same array when nothing changed.
 */
export function mergeRun(runs: readonly RunRow[], incoming: RunRow, limit: number): readonly RunRow[] {
  const index = runs.findIndex((run) => run.id === incoming.id)
  if (index >= 0) {
    const known = runs[index]
    if (isOlderRow(incoming, known)) return runs
    const next = [...runs]
    next[index] = { ...known, ...definedFields(incoming) }
    return next
  }
  if (!isWholeRow(incoming)) return runs
  return [...runs, incoming].sort(byNewest).slice(0, limit)
}

/**
 * A REST load merged with what is known: per run the newer version wins; runs the load did not
 * return are dropped unless they changed live while it was in flight (created meanwhile).
 */
export function mergeLoad(
  known: readonly RunRow[],
  loaded: readonly RunRow[],
  changedDuringLoad: ReadonlySet<string>,
  limit: number,
): RunRow[] {
  const byId = new Map(known.map((run) => [run.id, run]))
  const merged = loaded.map((row) => {
    const mine = byId.get(row.id)
    return mine && isOlderRow(row, mine) ? mine : row
  })
  const loadedIds = new Set(loaded.map((row) => row.id))
  for (const id of changedDuringLoad) {
    const mine = byId.get(id)
    if (mine && !loadedIds.has(id)) merged.push(mine)
  }
  return merged.sort(byNewest).slice(0, limit)
}

function isWholeRow(row: Partial<RunRow>): row is RunRow {
  return typeof row.id === 'string' && typeof row.created_at === 'string' && typeof row.title === 'string' && typeof row.status === 'string'
}

/** The Broadcast event that says a run was deleted (`{id}`, sent by ops.broadcast_run_change). */
const RUN_DELETED_BROADCAST = 'run_deleted'

/** The topic a workspace's run changes are broadcast on. */
const workspaceRunsTopic = (workspaceId: string) => `workspace:${workspaceId}:runs`

interface RunHistoryListener extends SharedChannelListener {
  run(row: RunRow): void
  deleted(runId: string): void
}

export function openRunHistory(client: OpsClient, api: OpsApi, options: RunHistoryOptions = {}): RunHistoryHandle {
  const limit = options.limit ?? 200
  const pollMs = options.pollMs ?? 2000
  const resyncMs = options.resyncMs ?? 30_000
  const batchMs = options.batchMs ?? 100

  let runs: readonly RunRow[] | null = null
  let live = false
  let error: string | null = null
  let closed = false
  /** The joined channel: its workspace and how to leave it. */
  let channel: { workspaceId: string; leave: () => Promise<void> } | null = null
  let loading: Promise<void> | null = null
  let reloadQueued = false
  let changedDuringLoad: Set<string> | null = null
  let loadTimer: ReturnType<typeof setTimeout> | undefined
  let notifyTimer: ReturnType<typeof setTimeout> | undefined
  let snapshot: RunHistoryState | null = null
  /** The workspace the last load listed (api.listRuns reads the current one). */
  let workspaceId: string | null = null
  const listeners = new Set<(state: RunHistoryState) => void>()

  const current = (): RunHistoryState => (snapshot ??= { runs: runs === null ? null : [...runs], live, error })

  function notify(now = false) {
    snapshot = null
    if (now) {
      if (notifyTimer !== undefined) clearTimeout(notifyTimer)
      notifyTimer = undefined
      const state = current()
      for (const listener of [...listeners]) listener(state)
      return
    }
    notifyTimer ??= setTimeout(() => notify(true), batchMs)
  }

  function scheduleLoad(delay: number) {
    if (closed) return
    if (loadTimer !== undefined) clearTimeout(loadTimer)
    loadTimer = setTimeout(() => void load(), delay)
  }

  /** A load asked for while one is in flight runs after it: changes may predate the first. */
  function load(): Promise<void> {
    if (loading) {
      reloadQueued = true
      return loading
    }
    loading = (async () => {
      changedDuringLoad = new Set()
      let failed = false
      try {
        const [current, loaded] = await Promise.all([api.currentWorkspaceId(), api.listRuns({ limit })])
        if (closed) return
        workspaceId = current
        // The current workspace changed (a switch): the channel follows it.
        if (channel !== null && channel.workspaceId !== current) rejoin()
        runs = mergeLoad(runs ?? [], loaded, changedDuringLoad, limit)
        error = null
      } catch (caught) {
        failed = true
        error = errorMessage(caught)
      } finally {
        changedDuringLoad = null
        loading = null
      }
      notify(true)
      if (reloadQueued) {
        reloadQueued = false
        return load()
      }
      scheduleLoad(live && !failed ? resyncMs : pollMs)
    })()
    return loading
  }

  function apply(incoming: RunRow) {
    // A change without its workspace (a partial row) can only update a run already listed.
    if (incoming.workspace_id !== undefined && workspaceId !== null && incoming.workspace_id !== workspaceId) return
    changedDuringLoad?.add(incoming.id)
    if (runs === null) return
    const next = mergeRun(runs, incoming, limit)
    if (next === runs) {
      // A partial row of a run we do not hold: the next load brings it whole.
      if (!runs.some((run) => run.id === incoming.id)) scheduleLoad(0)
      return
    }
    runs = next
    notify()
  }

  function remove(runId: string) {
    if (runs === null || !runs.some((run) => run.id === runId)) return
    runs = runs.filter((run) => run.id !== runId)
    notify()
  }

  function setLive(next: boolean) {
    if (live === next) return
    live = next
    notify(true)
  }

  /** Read the session's token first, so the join carries the user's JWT and Realtime admits them. */
  function subscribe() {
    void client.realtime
      .setAuth()
      // Without the token the join is refused; polling still keeps the list current.
      .catch(() => undefined)
      .then(() => api.currentWorkspaceId())
      .then((current) => {
        if (!closed && channel === null) join(current)
      })
      .catch((caught: unknown) => {
        error = `Live updates are off: ${errorMessage(caught)}`
        notify(true)
        scheduleLoad(pollMs)
        setTimeout(() => {
          if (!closed && channel === null) subscribe()
        }, pollMs)
      })
  }

  function rejoin() {
    const left = channel
    channel = null
    setLive(false)
    void left?.leave().then(() => {
      if (!closed && channel === null) subscribe()
    })
  }

  function join(current: string) {
    const topic = workspaceRunsTopic(current)
    const listener: RunHistoryListener = {
      run: (row) => apply(withIsoTimes(row, RUN_TIMES)),
      deleted: remove,
      status(status) {
        if (closed || channel?.leave !== leave) return
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
          setLive(true)
          void load()
        } else if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR || status === REALTIME_SUBSCRIBE_STATES.TIMED_OUT) {
          // realtime-js rejoins by itself; meanwhile the list is polled.
          setLive(false)
          scheduleLoad(pollMs)
        } else if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) {
          setLive(false)
          scheduleLoad(pollMs)
          channel = null
          void leave()
          setTimeout(() => {
            if (!closed && channel === null) subscribe()
          }, pollMs)
        }
      },
    }
    const leave = joinSharedChannel(
      client,
      topic,
      (each) =>
        client
          .channel(topic, { config: { private: true } })
          .on('broadcast', { event: RUN_ROW_BROADCAST }, (message: { payload?: unknown }) => {
            const row = broadcastRunRow(message.payload)
            if (row) each((one) => one.run(row))
          })
          .on('broadcast', { event: RUN_DELETED_BROADCAST }, (message: { payload?: unknown }) => {
            const runId = isObject(message.payload) ? message.payload.id : undefined
            if (typeof runId === 'string') each((one) => one.deleted(runId))
          }),
      listener,
    )
    channel = { workspaceId: current, leave }
  }

  // The list shows at once from REST; the subscription follows and reloads when it is up.
  void load()
  subscribe()

  return {
    get state() {
      return current()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    refresh: load,
    async close() {
      if (closed) return
      closed = true
      for (const timer of [loadTimer, notifyTimer]) if (timer !== undefined) clearTimeout(timer)
      listeners.clear()
      const made = channel
      channel = null
      await made?.leave()
    },
  }
}
