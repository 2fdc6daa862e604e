/**
 * Event ingest: log lines per second into ops.run_events through the append function, called as
 * the executor calls it (supabase-js RPC through the stack), one batch of 100 per call versus one
 * line per call.
 */
import { withStack, engines } from '../lib/engines.ts'
import { claimedRun } from '../lib/clients.ts'
import { perSecond } from '../lib/stats.ts'
import type { EventInput } from '../../supabase/functions/_shared/database/index.ts'

export interface IngestResult {
  engine: string
  batched_events_per_s: number
  single_events_per_s: number
  ratio: number
}

export async function ingest(smoke: boolean): Promise<IngestResult[]> {
  const batchedEvents = smoke ? 500 : 20_000
  const singleEvents = smoke ? 100 : 2_000
  const results: IngestResult[] = []
  for (const engine of engines()) {
    results.push(
      await withStack(engine, async (stack) => {
        const { service, runId } = await claimedRun(stack)
        const line = (i: number): EventInput => ({
          message: `line ${i}: deploying web to staging, step dispatch`,
          level: 'info',
          source: 'dispatch',
          phase: 'execute',
          step_id: 'dispatch',
        })

        let started = performance.now()
        for (let i = 0; i < batchedEvents; i += 100) {
          const events = Array.from({ length: Math.min(100, batchedEvents - i) }, (_, k) => line(i + k))
          const { error } = await service.rpc('append_run_events', {
            p_run_id: runId,
            p_worker: 'bench',
            p_events: events,
            p_batch_id: crypto.randomUUID(),
          })
          if (error) throw new Error(error.message)
        }
        const batched = perSecond(batchedEvents, performance.now() - started)

        started = performance.now()
        for (let i = 0; i < singleEvents; i++) {
          const { error } = await service.rpc('append_run_events', { p_run_id: runId, p_worker: 'bench', p_events: [line(i)] })
          if (error) throw new Error(error.message)
        }
        const single = perSecond(singleEvents, performance.now() - started)
        return { engine, batched_events_per_s: batched, single_events_per_s: single, ratio: Math.round((batched / single) * 10) / 10 }
      }),
    )
  }
  return results
}
