/**
 * The hidden window's side of live cards: one RunStream per run shown on the page, each change
 * sent to the widget code as a snapshot (the widget throttles the writes). When every run has
 * finished it sends their final pictures, without a driver, and says it is done.
 */
import { emit } from '@create-figma-plugin/utilities'
import { openRunStream } from '../../../src/client/run-stream.ts'
import { TERMINAL_STATUSES, type OpsApi, type RunStreamHandle } from '../../../src/client/types.ts'
import type { OpsClient } from '../../../src/client/supabase.ts'
import { snapshotOf } from '../card/snapshot.ts'
import type { LiveFinishedHandler, LiveSnapshotHandler, WindowErrorHandler } from '../messages.ts'

export function streamLiveRuns(client: OpsClient, api: OpsApi, runIds: string[], driver: string): () => Promise<void> {
  const streams: RunStreamHandle[] = []
  const finished = new Set<string>()
  let done = false

  const stop = async () => {
    await Promise.all(streams.map((stream) => stream.close()))
  }

  for (const runId of runIds) {
    const stream = openRunStream(client, api, runId, { tailSize: 20 })
    streams.push(stream)
    stream.subscribe((state) => {
      if (!state.run || done) return
      // Finished means the final status and every line up to it: the run's row can arrive
      // before its last events do, and the stream fetches what it knows is missing.
      const complete =
        TERMINAL_STATUSES.includes(state.run.status) && (state.events[state.events.length - 1]?.seq ?? 0) >= state.run.last_seq
      emit<LiveSnapshotHandler>(
        'LIVE_SNAPSHOT',
        snapshotOf(state.run, state.events, state.artifacts, { now: Date.now(), driver: complete ? null : driver }),
      )
      if (state.error) emit<WindowErrorHandler>('WINDOW_ERROR', `Live updates for ${state.run.title}: ${state.error}`)
      if (complete) finished.add(runId)
      if (finished.size === runIds.length) {
        done = true
        void stop().then(() => emit<LiveFinishedHandler>('LIVE_FINISHED'))
      }
    })
  }
  return stop
}
