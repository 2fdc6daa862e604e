/**
 * Event latency: from the executor's `log()` (its real batching writer, appending through the
 * SQL function by RPC) to the supabase-js realtime callback of the run's owner, at 10, 200 and
 * 2,000 events/s. Writer and subscriber share this process's clock.
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../supabase/functions/_shared/executor/store.ts'
import { claimedRun } from '../lib/clients.ts'
import { engines, withStack } from '../lib/engines.ts'
import { logAtRate, wallClock } from '../lib/paced-log.ts'
import { distribution, type Distribution } from '../lib/stats.ts'

export interface LatencyResult extends Distribution {
  engine: string
  events_per_s: number
  unit: 'ms'
}

const now = wallClock

export async function latency(smoke: boolean, rates = [10, 200, 2000]): Promise<LatencyResult[]> {
  const seconds = smoke ? 1 : 5
  const results: LatencyResult[] = []
  for (const engine of engines()) {
    for (const rate of rates) {
      results.push(
        await withStack(engine, async (stack) => {
          const { user, service, runId, token } = await claimedRun(stack)
          await user.realtime.setAuth(token)
          const latencies: number[] = []
          await new Promise<void>((resolve, reject) => {
            user
              .channel('latency')
              .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${runId}` }, (change) => {
                latencies.push(now() - (change.new as { data: { sent: number } }).data.sent)
              })
              .subscribe((status, error) => {
                if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve()
                else if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR)
                  reject(error ?? new Error(`the latency channel reported ${status}`))
              })
          })
          const store = new RunStore(service, 'bench', { leaseSeconds: 3600 })
          const writer = new EventWriter(store, runId)
          const total = rate * seconds
          await logAtRate(writer, rate, seconds)
          const deadline = Date.now() + 30_000
          while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
          await user.removeAllChannels()
          if (latencies.length < total) throw new Error(`only ${latencies.length} of ${total} events arrived`)
          return { engine, events_per_s: rate, unit: 'ms' as const, ...distribution(latencies) }
        }),
      )
    }
  }
  return results
}
