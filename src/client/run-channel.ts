/**
 * A run's live channel: the private Realtime channel `run:<run id>`.
 * - Its log arrives as Broadcast from the database: one `events` message per appended batch,
 *   `{run_id, events: [rows in seq order]}`, or `{run_id, from_seq, to_seq, truncated: true}` when
 *   the batch was too large to broadcast (its lines are then read over REST).
 * - The run's row arrives as Broadcast too (`run`, `{run}`), when something a viewer sees changed:
 *   not for each batch's last_seq, which would double the messages per batch.
 * - Artifacts stay on postgres_changes (INSERT ops.artifacts), a few per run.
 * Realtime authorises the join by the RLS policies on realtime.messages (members of the run's
 * workspace), so the join must carry the user's token: supabase-js sends it when realtime has it.
 *
 * realtime-js keeps one channel per topic in a client, so every stream of the same run in one
 * client shares this channel; it is removed when the last of them leaves or the server closes it.
 */
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel } from '@supabase/supabase-js'
import type { OpsClient } from './supabase.ts'
import type { ArtifactRow, EventRow, RunRow } from './types.ts'

/** The Broadcast event that carries a batch of a run's events (sent by ops.broadcast_run_events). */
const RUN_EVENTS_BROADCAST = 'events'

/** The Broadcast event that carries the run's row (sent by ops.broadcast_run_change). */
const RUN_ROW_BROADCAST = 'run'

/** One appended batch, as the database broadcasts it. */
export interface RunEventsBatch {
  run_id: string
  events?: EventRow[]
  from_seq?: number
  to_seq?: number
  truncated?: boolean
}

export interface RunChannelListener {
  events(batch: RunEventsBatch): void
  run(row: RunRow): void
  artifact(row: ArtifactRow): void
  /** The channel's subscribe status (SUBSCRIBED, CHANNEL_ERROR, TIMED_OUT, CLOSED). */
  status(status: REALTIME_SUBSCRIBE_STATES): void
}

interface Shared {
  channel: RealtimeChannel
  listeners: Set<RunChannelListener>
  status: REALTIME_SUBSCRIBE_STATES | undefined
}

const shared = new WeakMap<OpsClient, Map<string, Shared>>()

/** The topic a run's events are broadcast on. */
const runTopic = (runId: string) => `run:${runId}`

/** Starts listening to the run's channel; returns the function that stops (resolving once the channel is gone, if it was the last). */
export function joinRunChannel(client: OpsClient, runId: string, listener: RunChannelListener): () => Promise<void> {
  let byRun = shared.get(client)
  if (!byRun) {
    byRun = new Map()
    shared.set(client, byRun)
  }
  const runs = byRun
  let entry = runs.get(runId)
  if (!entry) {
    const made: Shared = { channel: open(client, runId, () => made), listeners: new Set(), status: undefined }
    entry = made
    runs.set(runId, made)
    made.channel.subscribe((reported) => {
      if (runs.get(runId) !== made) return
      const status = subscribeState(reported)
      made.status = status
      if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) {
        // Closed by the server (an expired token, a removed member): whoever joins next opens a new one.
        runs.delete(runId)
        void client.removeChannel(made.channel).catch(() => undefined)
      }
      for (const each of [...made.listeners]) each.status(status)
    })
  } else if (entry.status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
    // Already live: this listener backfills as if it had just subscribed.
    const live = entry
    queueMicrotask(() => {
      if (live.listeners.has(listener) && live.status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED)
        listener.status(REALTIME_SUBSCRIBE_STATES.SUBSCRIBED)
    })
  }
  const joined = entry
  joined.listeners.add(listener)
  return async () => {
    joined.listeners.delete(listener)
    if (joined.listeners.size > 0 || runs.get(runId) !== joined) return
    runs.delete(runId)
    await client.removeChannel(joined.channel).catch(() => undefined)
  }
}

function open(client: OpsClient, runId: string, entry: () => Shared): RealtimeChannel {
  const each = (deliver: (listener: RunChannelListener) => void) => {
    for (const listener of [...entry().listeners]) deliver(listener)
  }
  return client
    .channel(runTopic(runId), { config: { private: true } })
    .on('broadcast', { event: RUN_EVENTS_BROADCAST }, (message: { payload?: unknown }) => {
      const batch = message.payload
      if (isBatch(batch) && batch.run_id === runId) each((listener) => listener.events(batch))
    })
    .on('broadcast', { event: RUN_ROW_BROADCAST }, (message: { payload?: unknown }) => {
      const row = isObject(message.payload) ? message.payload.run : undefined
      if (isRunRow(row) && row.id === runId) each((listener) => listener.run(row))
    })
    .on<ArtifactRow>('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'artifacts', filter: `run_id=eq.${runId}` }, (payload) =>
      each((listener) => listener.artifact(payload.new)),
    )
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A batch as ops.broadcast_run_events sends it (the events are rows of ops.run_events). */
function isBatch(value: unknown): value is RunEventsBatch {
  return isObject(value) && typeof value.run_id === 'string' && (value.events === undefined || Array.isArray(value.events))
}

/** A row of ops.runs as ops.broadcast_run_change sends it. */
function isRunRow(value: unknown): value is RunRow {
  return isObject(value) && typeof value.id === 'string' && typeof value.status === 'string'
}

function subscribeState(status: `${REALTIME_SUBSCRIBE_STATES}`): REALTIME_SUBSCRIBE_STATES {
  return Object.values(REALTIME_SUBSCRIBE_STATES).find((state) => String(state) === status) ?? REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR
}
