/**
 * Realtime quota use of a run's log: the executor's real batching writer logging at 10, 200 and
 * 2,000 lines/s, one subscriber on the run's private Broadcast channel (as RunStream joins it).
 * Reports the realtime messages per second that one subscriber of one run costs the project
 * (Broadcast batches plus the run's row changes), beside hosted Realtime's per-project caps, and
 * the latency from `log()` to the callback. Writer and subscriber share this process's clock.
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../supabase/functions/_shared/executor/store.ts'
import { FREE_PLAN_MESSAGES_PER_SECOND, PRO_PLAN_MESSAGES_PER_SECOND } from '../../local/realtime/rate-account.ts'
import { claimedRun } from '../lib/clients.ts'
import { engines, withStack } from '../lib/engines.ts'
import { logAtRate, wallClock } from '../lib/paced-log.ts'
import { distribution } from '../lib/stats.ts'

export interface BroadcastResult {
  engine: string
  lines_per_s: number
  /** Realtime messages per second to the one subscriber of the run, over the writing time. */
  msgs_per_s_per_subscriber: number
  free_cap_msgs_per_s: number
  pro_cap_msgs_per_s: number
  /** log() → broadcast callback, ms. */
  p50_ms: number
  p95_ms: number
  max_ms: number
}

const now = wallClock

export async function runBroadcast(smoke: boolean, rates = [10, 200, 2000]): Promise<BroadcastResult[]> {
  const seconds = smoke ? 1 : 5
  const results: BroadcastResult[] = []
  for (const engine of engines()) {
    for (const rate of rates) {
      results.push(
        await withStack(engine, async (stack) => {
          const { user, service, runId, token } = await claimedRun(stack)
          await user.realtime.setAuth(token)
          const latencies: number[] = []
          let messages = 0
          let lastAt = 0
          await new Promise<void>((resolve, reject) => {
            user
              .channel(`run:${runId}`, { config: { private: true } })
              .on('broadcast', { event: 'events' }, (message) => {
                messages++
                const at = now()
                lastAt = at
                for (const event of (message.payload as { events?: { data: { sent: number } }[] }).events ?? []) {
                  latencies.push(at - event.data.sent)
                }
              })
              .on('broadcast', { event: 'run' }, () => {
                messages++
                lastAt = now()
              })
              .subscribe((status, error) => {
                if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve()
                else if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR)
                  reject(error ?? new Error(`the run's channel reported ${status}`))
              })
          })
          const writer = new EventWriter(new RunStore(service, 'bench', { leaseSeconds: 3600 }), runId)
          const total = rate * seconds
          const started = await logAtRate(writer, rate, seconds)
          const deadline = Date.now() + 30_000
          while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
          // Over the time the messages came in: from the first log() to the last message.
          const elapsedMs = Math.max(lastAt - started, seconds * 1000)
          await user.removeAllChannels()
          if (latencies.length < total) throw new Error(`only ${latencies.length} of ${total} events arrived`)
          const spread = distribution(latencies)
          return {
            engine,
            lines_per_s: rate,
            msgs_per_s_per_subscriber: Math.round((messages / elapsedMs) * 1000 * 10) / 10,
            free_cap_msgs_per_s: FREE_PLAN_MESSAGES_PER_SECOND,
            pro_cap_msgs_per_s: PRO_PLAN_MESSAGES_PER_SECOND,
            p50_ms: spread.p50,
            p95_ms: spread.p95,
            max_ms: spread.max,
          }
        }),
      )
    }
  }
  return results
}
