import { OpsApiError } from '../../client/errors.ts'
import type { NewRun, RunStreamHandle } from '../../client/types.ts'
import type { OpsServices } from '../services/ops-services.ts'

/** How long to wait for the run's live channel before invoking the executor anyway. */
const SUBSCRIBE_WAIT_MS = 3000

/**
 * Starts a run with its log subscribed before the executor is invoked, and opens the log view.
 * Missing the first lines live would only cost a backfill, but watching them arrive is the point.
 */
export async function startRunWithStream(
  services: OpsServices,
  run: NewRun,
  open: (runId: string, stream: RunStreamHandle | null) => void,
): Promise<void> {
  let opened = false
  try {
    await services.api.startRun(run, {
      onCreated: async (created) => {
        const stream = services.openRunStream(created.id)
        opened = true
        open(created.id, stream)
        await untilLive(stream, SUBSCRIBE_WAIT_MS)
      },
    })
  } catch (error) {
    // The run exists but its executor did not start: show it anyway (the drain picks it up).
    if (error instanceof OpsApiError && error.run !== null && !opened) open(error.run.id, null)
    throw error
  }
}

function untilLive(stream: RunStreamHandle, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let stop = () => {}
    const timer = setTimeout(() => {
      stop()
      resolve()
    }, timeoutMs)
    stop = stream.subscribe((state) => {
      if (state.live === 'live' || state.live === 'closed') {
        clearTimeout(timer)
        queueMicrotask(() => stop())
        resolve()
      }
    })
  })
}
