/**
 * RunStream: one run's status, log and artifacts, live and complete.
 *
 * 1. Subscribe first, on the run's private channel (run-channel.ts): its events as Broadcast from
 *    the database, one message per appended batch, and the run's row when what it shows changed;
 *    INSERT on ops.artifacts (run_id=eq.X) as postgres_changes.
 * 2. On SUBSCRIBED, backfill over REST: the run, the artifacts and the tail of the log (the last
 *    `tailSize` events), then everything after the last contiguous seq. Events that arrived live
 *    meanwhile are held and merged by seq (event-log.ts), so nothing is lost or doubled.
 * 3. A gap that persists (an event missed live, or runs.last_seq ahead of the log) is refetched.
 * 4. After the socket drops, realtime-js rejoins; every new SUBSCRIBED backfills again from the
 *    last contiguous seq. While the channel is down the stream polls REST, so a run still
 *    progresses on screen without realtime.
 * 5. `loadOlder()` pages older events in front of the window (scroll-up).
 *
 * The lines are kept in an EventStore (columns, not a row object per line: a million-line log
 * stays small) and new lines are appended to it in place: a state's `events` may have grown since
 * it was handed out, never changed otherwise. Older lines put in front make a new store.
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js'
import type { OpsClient } from './supabase.ts'
import { anchorLog, emptyLog, gapOf, hasOlder, mergeEvents, missingTail, prependOlder, type EventLog, type Gap } from './event-log.ts'
import { MAX_PAGE } from './api.ts'
import { joinRunChannel, type RunEventsBatch } from './run-channel.ts'
import { ARTIFACT_TIMES, definedFields, EVENT_TIMES, isOlderRow, micros, RUN_TIMES, withIsoTimes } from './row-versions.ts'
import type { ArtifactRow, EventRow, OpsApi, RunRow, RunStreamHandle, RunStreamState } from './types.ts'
import { EventStore } from './event-store.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export interface RunStreamOptions {
  /** How many of the newest events to load first (default 1000). */
  tailSize?: number
  /** Events per older page for loadOlder (default: tailSize, at most 1000). */
  pageSize?: number
  /** How long a gap may stay open before its range is refetched (default 250 ms). */
  gapGraceMs?: number
  /** Poll interval while the channel is not subscribed, and base retry delay (default 2000 ms). */
  pollMs?: number
  /**
   * Live events within this window are merged together (default 0: the events of one realtime
   * message are merged together, at once; the database already sends a batch per message).
   */
  batchMs?: number
}

export function openRunStream(client: OpsClient, api: OpsApi, runId: string, options: RunStreamOptions = {}): RunStreamHandle {
  const tailSize = Math.max(1, Math.floor(options.tailSize ?? 1000))
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize ?? tailSize)), MAX_PAGE)
  const gapGraceMs = options.gapGraceMs ?? 250
  const pollMs = options.pollMs ?? 2000
  const batchMs = options.batchMs ?? 0

  // The window's bookkeeping (seqs, held events); its lines live in `lines`, which only grows at its end.
  let log: EventLog = emptyLog()
  let lines = new EventStore(runId)
  let run: RunRow | null = null
  const artifacts = new Map<string, ArtifactRow>()
  let live: RunStreamState['live'] = 'connecting'
  let error: string | null = null
  let loadingOlder = false
  let closed = false

  const listeners = new Set<(state: RunStreamState) => void>()
  let snapshot: RunStreamState | null = null
  let notifyQueued = false

  function current(): RunStreamState {
    if (!snapshot) {
      snapshot = {
        run,
        events: lines,
        artifacts: [...artifacts.values()].sort(byCreation),
        hasOlder: hasOlder(log),
        loadingOlder,
        live,
        error,
      }
    }
    return snapshot
  }

  function changed() {
    snapshot = null
    if (notifyQueued) return
    notifyQueued = true
    queueMicrotask(() => {
      notifyQueued = false
      const state = current()
      for (const listener of [...listeners]) listener(state)
    })
  }

  // ---- merging ---------------------------------------------------------------------------

  function applyEvents(events: readonly EventRow[]) {
    if (events.length === 0) return
    const result = mergeEvents(
      log,
      events.filter((event) => event.run_id === undefined || event.run_id === runId),
    )
    if (result.log !== log) {
      log = windowOnly(result.log)
      for (const event of result.added) lines.append(event)
      if (result.added.length > 0) changed()
    }
    if (result.gap) scheduleGapCheck()
  }

  function applyRun(incoming: RunRow | null) {
    if (!incoming || incoming.id !== runId) return
    if (run && isOlderRow(incoming, run)) return
    run = run ? { ...run, ...definedFields(incoming) } : incoming
    changed()
    if (missingTail(log, run.last_seq)) scheduleGapCheck()
  }

  function applyArtifacts(rows: readonly ArtifactRow[]) {
    let any = false
    for (const row of rows) {
      if (row.run_id !== runId || artifacts.has(row.id)) continue
      artifacts.set(row.id, row)
      any = true
    }
    if (any) changed()
  }

  // Live events are merged in batches: a burst costs one merge, not one per line. With no window
  // a message's events go together, in the same task (no timer's delay).
  let batch: EventRow[] = []
  let batchTimer: ReturnType<typeof setTimeout> | 'microtask' | undefined
  function mergeBatch() {
    batchTimer = undefined
    const events = batch
    batch = []
    applyEvents(events)
  }
  function queueLiveEvent(event: EventRow) {
    batch.push(event)
    if (batchTimer !== undefined) return
    if (batchMs > 0) {
      batchTimer = setTimeout(mergeBatch, batchMs)
    } else {
      batchTimer = 'microtask'
      queueMicrotask(() => {
        if (batchTimer === 'microtask') mergeBatch()
      })
    }
  }

  // ---- REST ------------------------------------------------------------------------------

  /** Fetches everything after the window (or in the given gap), page by page. */
  async function fetchForward(gap?: Gap) {
    for (;;) {
      if (closed) return
      const after = log.lastSeq
      const before = gap ? gap.to + 1 : undefined
      if (before !== undefined && after + 1 >= before) return
      const page = await api.fetchEvents(runId, { after, ...(before !== undefined ? { before } : {}), limit: MAX_PAGE })
      applyEvents(page)
      if (page.length < MAX_PAGE || log.lastSeq === after) return
    }
  }

  async function loadTail() {
    const tail: EventRow[] = []
    let before: number | undefined
    while (tail.length < tailSize) {
      const limit = Math.min(MAX_PAGE, tailSize - tail.length)
      const page = await api.fetchEvents(runId, { ...(before !== undefined ? { before } : {}), limit })
      tail.push(...page)
      if (page.length < limit) break
      before = Math.min(...page.map((event) => event.seq))
    }
    if (closed || log.firstSeq !== null) return
    const first = tail.length > 0 ? Math.min(...tail.map((event) => event.seq)) : 1
    const anchored = anchorLog(log, first)
    log = windowOnly(anchored.log)
    for (const event of anchored.added) lines.append(event)
    applyEvents(tail)
    changed()
  }

  let syncing: Promise<void> | null = null
  let syncAgain = false

  /** The REST half of the stream: run, artifacts, tail (once), then everything after the window. */
  function sync(): Promise<void> {
    if (syncing) {
      syncAgain = true
      return syncing
    }
    if (syncTimer !== undefined) {
      clearTimeout(syncTimer)
      syncTimer = undefined
    }
    syncing = (async () => {
      let failed = false
      do {
        syncAgain = false
        failed = false
        try {
          const [row, rows] = await Promise.all([api.getRun(runId), api.listArtifacts(runId)])
          if (closed) return
          if (!row) {
            setError(`Run ${runId} was not found: it was deleted, or it belongs to someone else.`)
            return
          }
          applyRun(row)
          applyArtifacts(rows)
          if (log.firstSeq === null) await loadTail()
          await fetchForward()
          setError(null)
        } catch (e) {
          failed = true
          setError(errorMessage(e))
        }
      } while (syncAgain && !closed)
      // Retry a failed sync; poll while the channel is down so the run keeps moving on screen.
      if (failed || live !== 'live') scheduleSync()
    })().finally(() => {
      syncing = null
    })
    return syncing
  }

  let syncTimer: ReturnType<typeof setTimeout> | undefined
  function scheduleSync() {
    if (closed || syncTimer !== undefined) return
    syncTimer = setTimeout(() => {
      syncTimer = undefined
      void sync()
    }, pollMs)
  }

  function setError(message: string | null) {
    if (error === message) return
    error = message
    changed()
  }

  // A gap that is still open after a short grace period is fetched over REST.
  let gapTimer: ReturnType<typeof setTimeout> | undefined
  let gapAttempts = 0
  function scheduleGapCheck() {
    if (closed || gapTimer !== undefined) return
    const delay = gapAttempts === 0 ? gapGraceMs : Math.min(pollMs * gapAttempts, 10_000)
    gapTimer = setTimeout(async () => {
      gapTimer = undefined
      const gap = gapOf(log) ?? (run ? missingTail(log, run.last_seq) : null)
      if (!gap || closed) {
        gapAttempts = 0
        return
      }
      try {
        await fetchForward(gapOf(log) ?? undefined)
      } catch (e) {
        setError(errorMessage(e))
      }
      const still = gapOf(log) ?? (run ? missingTail(log, run.last_seq) : null)
      if (still) {
        gapAttempts++
        scheduleGapCheck()
      } else {
        gapAttempts = 0
      }
    }, delay)
  }

  // ---- realtime --------------------------------------------------------------------------

  /** Leaves the run's channel; null while not joined. */
  let leave: (() => Promise<void>) | null = null

  /** A batch broadcast by the database: its events, or (too large to broadcast) a range to read. */
  function receiveBatch(batch: RunEventsBatch) {
    if (batch.truncated) {
      void fetchForward().catch((e: unknown) => setError(errorMessage(e)))
      return
    }
    for (const event of batch.events ?? []) queueLiveEvent(withIsoTimes(event, EVENT_TIMES))
  }

  /**
   * realtime-js builds a join before it has read the session's token when the socket opens
   * quickly (a session restored from storage, a nearby server); the server then treats the join
   * as anon, refuses the private channel, and no later access_token follows. Reading the token
   * first makes the join carry it.
   */
  function subscribe() {
    void client.realtime
      .setAuth()
      // Without the token the join goes out as anon and hears nothing; REST polling still moves the run on.
      .catch(() => undefined)
      .then(() => {
        if (!closed && leave === null) join()
      })
      .catch((caught: unknown) => setError(`Live updates are off: ${errorMessage(caught)}`))
  }

  function join() {
    const joined = joinRunChannel(client, runId, {
      events: receiveBatch,
      run: (row) => applyRun(withIsoTimes(row, RUN_TIMES)),
      artifact: (row) => applyArtifacts([withIsoTimes(row, ARTIFACT_TIMES)]),
      status(status) {
        if (closed || leave !== joined) return
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
          setLive('live')
          void sync()
        } else if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR || status === REALTIME_SUBSCRIBE_STATES.TIMED_OUT) {
          // realtime-js rejoins by itself; meanwhile REST keeps the view moving.
          setLive('reconnecting')
          scheduleSync()
        } else if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) {
          // The server closed the channel (e.g. the session expired): join again on a new one.
          setLive('reconnecting')
          scheduleSync()
          leave = null
          setTimeout(() => {
            if (!closed && leave === null) subscribe()
          }, pollMs)
        }
      },
    })
    leave = joined
  }

  function setLive(next: RunStreamState['live']) {
    if (live === next) return
    live = next
    changed()
  }

  subscribe()
  // If realtime cannot be reached at all, the run still shows (from REST) after a while.
  scheduleSync()

  return {
    get state() {
      return current()
    },
    subscribe(listener) {
      listeners.add(listener)
      listener(current())
      return () => {
        listeners.delete(listener)
      }
    },
    async loadOlder() {
      if (closed || loadingOlder || !hasOlder(log)) return
      loadingOlder = true
      changed()
      try {
        const page = await api.fetchEvents(runId, { before: log.firstSeq!, limit: pageSize })
        if (!closed) {
          const older = prependOlder(log, page)
          log = windowOnly(older.log)
          lines = lines.withOlder(older.added)
        }
        setError(null)
      } catch (e) {
        setError(errorMessage(e))
      } finally {
        loadingOlder = false
        changed()
      }
    },
    async close() {
      if (closed) return
      closed = true
      for (const timer of [batchTimer, gapTimer, syncTimer]) if (timer !== undefined && timer !== 'microtask') clearTimeout(timer)
      batchTimer = undefined
      const joined = leave
      leave = null
      await joined?.()
      live = 'closed'
      changed()
    },
  }
}

const NO_EVENTS: readonly EventRow[] = []

/** The log without its lines (kept in the stream's store), so merging never copies them. */
function windowOnly(log: EventLog): EventLog {
  return log.events === NO_EVENTS ? log : { ...log, events: NO_EVENTS }
}

function byCreation(a: ArtifactRow, b: ArtifactRow): number {
  const at = micros(a.created_at)
  const bt = micros(b.created_at)
  return at !== bt ? at - bt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
