/**
 * The hidden window's side of live cards: one RunStream per run shown on the page, each change
 * sent to the widget code as a picture (the widget throttles the writes and says who keeps the
 * cards live). A stream's error is passing — the stream retries and polls by itself — so it is
 * reported as a problem of that run, and its clearing too, and never ends the session. What ends
 * it: every run finished (LIVE_FINISHED, after their final pictures), or the session signed out
 * (WINDOW_ERROR), which no retry can mend.
 */
import { emit } from '@create-figma-plugin/utilities'
import { openRunStream } from '../../../src/client/run-stream.ts'
import { TERMINAL_STATUSES, type BoardFacts, type OpsApi, type RunStreamHandle } from '../../../src/client/types.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import type { OpsClient } from '../../../src/client/supabase.ts'
import { MAX_LINES, snapshotOf } from '../card/snapshot.ts'
import type { LiveFinishedHandler, LiveProblemHandler, LiveSnapshotHandler, WindowErrorHandler } from '../messages.ts'

export function streamLiveRuns(client: OpsClient, api: OpsApi, runIds: string[]): () => Promise<void> {
  const streams: RunStreamHandle[] = []
  const finished = new Set<string>()
  let done = false

  const stop = async () => {
    signedOut.unsubscribe()
    await Promise.all(streams.map((stream) => stream.close()))
  }

  // supabase-js calls this later (never while subscribing), so `stop` finds it set.
  const signedOut = client.auth.onAuthStateChange((event) => {
    if (event !== 'SIGNED_OUT' || done) return
    done = true
    void stop().then(() =>
      emit<WindowErrorHandler>('WINDOW_ERROR', 'Live updates stopped: signed out. Pick a run on a card to sign in again.'),
    )
  }).data.subscription

  for (const runId of runIds) {
    const stream = openRunStream(client, api, runId, { tailSize: 20 })
    streams.push(stream)
    let reported: string | null = null
    const report = (problem: string | null) => {
      if (problem === reported) return
      reported = problem
      emit<LiveProblemHandler>('LIVE_PROBLEM', runId, problem)
    }
    // What the board may show is read once per session, when the run's row first arrives (and
    // again at the next change if that read failed); until then the pictures carry no details,
    // and while it cannot be read the cards say so.
    let board: BoardFacts | null = null
    let boardState: 'unread' | 'reading' | 'read' = 'unread'
    let boardProblem: string | null = null
    const send = (state: RunStreamHandle['state']) => {
      if (done) return
      report(state.error ?? boardProblem)
      const { run } = state
      if (!run) return
      board ??= { workspaceId: run.workspace_id, boardDetails: false, startedBy: null }
      if (boardState === 'unread') {
        boardState = 'reading'
        api.boardFacts(run).then(
          (facts) => {
            board = facts
            boardState = 'read'
            boardProblem = null
            send(stream.state)
          },
          (error: unknown) => {
            // Read again at the stream's next change, not at once: during an outage that would spin.
            boardState = 'unread'
            boardProblem = `Shown without details or who started it: ${errorMessage(error)}`
            if (!done) report(stream.state.error ?? boardProblem)
          },
        )
      }
      // Finished means the final status and every line up to it: the run's row can arrive
      // before its last events do, and the stream fetches what it knows is missing.
      const complete = TERMINAL_STATUSES.includes(run.status) && state.events.lastSeq >= run.last_seq
      const picture = snapshotOf(run, state.events.slice(-MAX_LINES), state.artifacts, { now: Date.now(), board })
      emit<LiveSnapshotHandler>('LIVE_SNAPSHOT', picture, complete)
      if (complete) finished.add(runId)
      if (finished.size === runIds.length) {
        done = true
        void stop().then(() => emit<LiveFinishedHandler>('LIVE_FINISHED'))
      }
    }
    stream.subscribe(send)
  }
  return stop
}
