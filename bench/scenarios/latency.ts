/**
 * Event latency: from the executor's `log()` (its real batching writer, appending through the
 * SQL function by RPC) to the supabase-js callback of the run's owner on the run's private
 * Broadcast channel (the plugin's transport, joined by its own run-channel.ts), at 1, 10, 200 and
 * 2,000 events/s. Also the realtime messages the subscriber got per second (the budget is 20 per
 * run) and whether every seq came exactly once, in order. Writer and subscriber share this
 * process's clock.
 */
import { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../supabase/functions/_shared/executor/store.ts'
import { claimedRun } from '../lib/clients.ts'
import { engines, withStack } from '../lib/engines.ts'
import { logAtRate } from '../lib/paced-log.ts'
import { subscribeRun, type RunSubscriber } from '../lib/run-subscriber.ts'
import { distribution, type Distribution } from '../lib/stats.ts'

export interface LatencyResult extends Distribution {
  engine: string
  events_per_s: number
  unit: 'ms'
  msgs_per_s: number
  exactly_once: boolean
}

/**
 * Lines logged and delivered before each row is timed. Every row starts a fresh stack, whose first
 * lines open its database connections and compile the SQL functions, work a running stack did
 * long before; they are checked for exactly-once like the rest but carry no time.
 */
const WARMUP_LINES = 3

/**
 * Seconds of logging per rate. The idle rate runs a minute, so its p95 rests on the 4th-slowest
 * of 60 lines rather than the 2nd-slowest of 30: one garbage collection or background check in
 * the bench's own process no longer decides it.
 */
const secondsAt = (rate: number, smoke: boolean) => (smoke ? (rate === 1 ? 3 : 1) : rate === 1 ? 60 : 5)

export async function latency(smoke: boolean, rates = [1, 10, 200, 2000]): Promise<LatencyResult[]> {
  const results: LatencyResult[] = []
  for (const engine of engines()) {
    for (const rate of rates) {
      results.push(
        await withStack(engine, async (stack) => {
          const { user, service, runId, token } = await claimedRun(stack)
          const subscriber = await subscribeRun(user, runId, token)
          const writer = new EventWriter(new RunStore(service, 'bench', { leaseSeconds: 3600 }), runId)
          for (let line = 0; line < WARMUP_LINES; line++) {
            await writer.log({ message: `warm-up ${line}` })
            await writer.flush()
            await sleep(100)
          }
          await arrived(subscriber, WARMUP_LINES)
          const warmupMessages = subscriber.messages
          const seconds = secondsAt(rate, smoke)
          const total = rate * seconds
          const started = await logAtRate(writer, rate, seconds)
          await arrived(subscriber, WARMUP_LINES + total)
          await sleep(200)
          await subscriber.leave()
          if (subscriber.latencies.length < total) throw new Error(`only ${subscriber.latencies.length} of ${total} events arrived`)
          const elapsedMs = Math.max(subscriber.lastAt - started, seconds * 1000)
          return {
            engine,
            events_per_s: rate,
            unit: 'ms' as const,
            ...distribution(subscriber.latencies),
            msgs_per_s: Math.round(((subscriber.messages - warmupMessages) / elapsedMs) * 1000 * 10) / 10,
            exactly_once: subscriber.exactlyOnce(WARMUP_LINES + total),
          }
        }),
      )
    }
  }
  return results
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits up to 30 s for the subscriber to have `count` lines. */
async function arrived(subscriber: RunSubscriber, count: number): Promise<void> {
  const deadline = Date.now() + 30_000
  while (subscriber.seqs.length < count && Date.now() < deadline) await sleep(20)
}
