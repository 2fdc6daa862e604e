/**
 * A subscriber of a run's log as the product subscribes: the run's private Broadcast channel,
 * joined through the plugin's own `joinRunChannel` with the user's token. It records every
 * message it gets (log batches and the run's row), each line's latency from `log()` (the line
 * carries the time it was logged in `data.sent`) and each line's seq, so a bench can check that
 * every line came exactly once. A batch too large to broadcast comes as a range, read over REST
 * as the plugin reads it (its lines count when they are read).
 */
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import { joinRunChannel } from '../../src/client/run-channel.ts'
import type { OpsClient } from '../../test/support/stack.ts'
import { wallClock } from './paced-log.ts'

export interface RunSubscriber {
  /** Realtime messages received on the run's topic. */
  messages: number
  /** log() → callback, ms, one per line. */
  latencies: number[]
  /** Seqs in the order they arrived. */
  seqs: number[]
  /** When the last message came (wall clock, ms). */
  lastAt: number
  /** Every seq 1..count came exactly once. */
  exactlyOnce(count: number): boolean
  leave(): Promise<void>
}

/** Joins the run's channel as `client` (signed in, or given `token`); resolves once subscribed. */
export async function subscribeRun(client: OpsClient, runId: string, token?: string): Promise<RunSubscriber> {
  await client.realtime.setAuth(token ?? null)
  let leave: () => Promise<void> = async () => {}
  const record = (events: readonly { seq: number; data: unknown }[]) => {
    const at = wallClock()
    subscriber.lastAt = Math.max(subscriber.lastAt, at)
    for (const event of events) {
      subscriber.seqs.push(event.seq)
      const sent = (event.data as { sent?: number } | null)?.sent
      if (typeof sent === 'number') subscriber.latencies.push(at - sent)
    }
  }
  const subscriber: RunSubscriber = {
    messages: 0,
    latencies: [],
    seqs: [],
    lastAt: 0,
    exactlyOnce(count) {
      const sorted = [...this.seqs].sort((a, b) => a - b)
      return sorted.length === count && sorted.every((seq, i) => seq === i + 1)
    },
    leave: () => leave(),
  }
  await new Promise<void>((resolve, reject) => {
    leave = joinRunChannel(client, runId, {
      events(batch) {
        subscriber.messages++
        subscriber.lastAt = wallClock()
        if (batch.truncated) {
          void client
            .from('run_events')
            .select('seq, data')
            .eq('run_id', runId)
            .gte('seq', batch.from_seq!)
            .lte('seq', batch.to_seq!)
            .order('seq')
            .then(({ data }) => record(data ?? []))
          return
        }
        record(batch.events ?? [])
      },
      run() {
        subscriber.messages++
        subscriber.lastAt = wallClock()
      },
      artifact() {},
      status(status) {
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve()
        else if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR || status === REALTIME_SUBSCRIBE_STATES.TIMED_OUT)
          reject(new Error(`the run's channel reported ${status}`))
      },
    })
  })
  return subscriber
}
