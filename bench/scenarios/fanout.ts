/**
 * Fan-out: one run watched by 10 subscribers, and 10 runs watched by 3 subscribers each, every
 * run logging 200 events/s through the executor's real writer. A board's cards share one live
 * driver, so a run's subscribers are that driver and the people who opened its log: 3 is a busy
 * run, 10 a run a whole team watches. Each subscriber is its own supabase-js client (its own
 * socket) on the run's private Broadcast channel, joined by the plugin's run-channel.ts.
 * Reports the events delivered per second (all subscribers), the realtime messages per second
 * (all subscribers, and the most one subscriber of one run got), the latency from `log()` to each
 * subscriber's callback, and whether every subscriber got every seq exactly once, in order.
 */
import { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../supabase/functions/_shared/executor/store.ts'
import { opsClient } from '../../test/support/stack.ts'
import { claimedRun } from '../lib/clients.ts'
import { engines, withStack } from '../lib/engines.ts'
import { logAtRate } from '../lib/paced-log.ts'
import { subscribeRun, type RunSubscriber } from '../lib/run-subscriber.ts'
import { distribution } from '../lib/stats.ts'

export interface FanOutResult {
  engine: string
  runs: number
  subscribers_per_run: number
  events_per_s_per_run: number
  delivered_events_per_s: number
  realtime_msgs_per_s: number
  max_msgs_per_s_per_run_subscriber: number
  p50_ms: number
  p95_ms: number
  max_ms: number
  exactly_once: boolean
}

const RATE = 200

export async function fanOut(smoke: boolean): Promise<FanOutResult[]> {
  const seconds = smoke ? 1 : 5
  const shapes = [
    { runs: 1, subscribers: 10 },
    { runs: 10, subscribers: 3 },
  ]
  const results: FanOutResult[] = []
  for (const engine of engines()) {
    for (const shape of shapes) {
      results.push(
        await withStack(engine, async (stack) => {
          const runs = await Promise.all(
            Array.from({ length: shape.runs }, async () => {
              const { service, runId, token } = await claimedRun(stack)
              const subscribers: RunSubscriber[] = []
              for (let s = 0; s < shape.subscribers; s++)
                subscribers.push(await subscribeRun(opsClient(stack.url, stack.anonKey), runId, token))
              return { runId, subscribers, writer: new EventWriter(new RunStore(service, 'bench', { leaseSeconds: 3600 }), runId) }
            }),
          )
          const total = RATE * seconds
          const started = Math.min(...(await Promise.all(runs.map((run) => logAtRate(run.writer, RATE, seconds)))))
          const everyone = runs.flatMap((run) => run.subscribers)
          const deadline = Date.now() + 30_000
          while (everyone.some((s) => s.seqs.length < total) && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 20))
          await new Promise((resolve) => setTimeout(resolve, 200))
          await Promise.all(everyone.map((s) => s.leave()))
          const short = everyone.find((s) => s.latencies.length < total)
          if (short) throw new Error(`a subscriber got only ${short.latencies.length} of ${total} events`)
          const elapsedMs = Math.max(Math.max(...everyone.map((s) => s.lastAt)) - started, seconds * 1000)
          const perSecond = (n: number) => Math.round((n / elapsedMs) * 1000 * 10) / 10
          const spread = distribution(everyone.flatMap((s) => s.latencies))
          return {
            engine,
            runs: shape.runs,
            subscribers_per_run: shape.subscribers,
            events_per_s_per_run: RATE,
            delivered_events_per_s: Math.round(perSecond(everyone.reduce((sum, s) => sum + s.seqs.length, 0))),
            realtime_msgs_per_s: perSecond(everyone.reduce((sum, s) => sum + s.messages, 0)),
            max_msgs_per_s_per_run_subscriber: perSecond(Math.max(...everyone.map((s) => s.messages))),
            p50_ms: spread.p50,
            p95_ms: spread.p95,
            max_ms: spread.max,
            exactly_once: everyone.every((s) => s.exactlyOnce(total)),
          }
        }),
      )
    }
  }
  return results
}
