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
 * Every stream of the same run in one client shares this channel (shared-channel.ts).
 */
import type { RealtimeChannel } from '@supabase/supabase-js'
import { isObject, joinSharedChannel, type EachListener, type SharedChannelListener } from './shared-channel.ts'
import type { OpsClient } from './supabase.ts'
import type { ArtifactRow, EventRow, RunRow } from './types.ts'

/** The Broadcast event that carries a batch of a run's events (sent by ops.broadcast_run_events). */
const RUN_EVENTS_BROADCAST = 'events'

/** The Broadcast event that carries the run's row (sent by ops.broadcast_run_change). */
export const RUN_ROW_BROADCAST = 'run'

/** One appended batch, as the database broadcasts it. */
export interface RunEventsBatch {
  run_id: string
  events?: EventRow[]
  from_seq?: number
  to_seq?: number
  truncated?: boolean
}

export interface RunChannelListener extends SharedChannelListener {
  events(batch: RunEventsBatch): void
  run(row: RunRow): void
  artifact(row: ArtifactRow): void
}

/** The topic a run's events are broadcast on. */
const runTopic = (runId: string) => `run:${runId}`

/** Starts listening to the run's channel; returns the function that stops (resolving once the channel is gone, if it was the last). */
export function joinRunChannel(client: OpsClient, runId: string, listener: RunChannelListener): () => Promise<void> {
  return joinSharedChannel(client, runTopic(runId), (each) => open(client, runId, each), listener)
}

function open(client: OpsClient, runId: string, each: EachListener<RunChannelListener>): RealtimeChannel {
  return client
    .channel(runTopic(runId), { config: { private: true } })
    .on('broadcast', { event: RUN_EVENTS_BROADCAST }, (message: { payload?: unknown }) => {
      const batch = message.payload
      if (isBatch(batch) && batch.run_id === runId) each((listener) => listener.events(batch))
    })
    .on('broadcast', { event: RUN_ROW_BROADCAST }, (message: { payload?: unknown }) => {
      const row = broadcastRunRow(message.payload)
      if (row?.id === runId) each((listener) => listener.run(row))
    })
    .on<ArtifactRow>('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'artifacts', filter: `run_id=eq.${runId}` }, (payload) =>
      each((listener) => listener.artifact(payload.new)),
    )
}

/** A batch as ops.broadcast_run_events sends it (the events are rows of ops.run_events). */
function isBatch(value: unknown): value is RunEventsBatch {
  return isObject(value) && typeof value.run_id === 'string' && (value.events === undefined || Array.isArray(value.events))
}

/** The row of ops.runs in a `run` message as ops.broadcast_run_change sends it (`{run}`), or null. */
export function broadcastRunRow(payload: unknown): RunRow | null {
  const row = isObject(payload) ? payload.run : undefined
  return isRunRow(row) ? row : null
}

function isRunRow(value: unknown): value is RunRow {
  return isObject(value) && typeof value.id === 'string' && typeof value.status === 'string'
}
