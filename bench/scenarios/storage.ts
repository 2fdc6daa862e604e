/**
 * Storage: what the log costs the database (a Free project has 500 MB), as bytes of ops.run_events
 * (table, indexes and TOAST: pg_total_relation_size) per 1,000 log lines of the executor's usual
 * shape, beside the bytes of the lines' text alone. With the retention age (30 days by default)
 * this says how many lines a project can keep.
 */
import { withStack, engines } from '../lib/engines.ts'
import { claimedRun } from '../lib/clients.ts'
import type { EventInput } from '../../supabase/functions/_shared/database/index.ts'

export interface StorageResult {
  engine: string
  lines: number
  bytes_per_1000_lines: number
  text_bytes_per_1000_lines: number
  /** Lines 500 MB holds at this rate, if the log had the whole database to itself. */
  lines_in_500_mb: number
}

/** A line as the executor writes one: a step's message, some with a little data. */
function line(i: number): EventInput {
  return i % 10 === 0
    ? {
        message: `Step dispatch succeeded in ${(i % 900) / 10} s`,
        level: 'info',
        source: 'dispatch',
        phase: 'execute',
        step_id: 'dispatch',
        data: { kind: 'http', status: 200, ms: i % 900 },
      }
    : {
        message: `GET https://status.example.com/health → 200 in ${i % 300} ms (attempt 1 of 3, line ${i})`,
        level: i % 50 === 0 ? 'warn' : 'info',
        source: 'health-before',
        phase: 'preflight',
        step_id: 'health-before',
      }
}

export async function storage(smoke: boolean): Promise<StorageResult[]> {
  const lines = smoke ? 1_000 : 20_000
  const results: StorageResult[] = []
  for (const engine of engines()) {
    results.push(
      await withStack(engine, async (stack) => {
        const size = async () =>
          Number((await stack.db.query<{ bytes: string }>("select pg_total_relation_size('ops.run_events') as bytes")).rows[0].bytes)
        const before = await size()
        const { service, runId } = await claimedRun(stack)
        let text = 0
        for (let i = 0; i < lines; i += 500) {
          const events = Array.from({ length: Math.min(500, lines - i) }, (_, k) => line(i + k))
          text += events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0)
          const { error } = await service.rpc('append_run_events', {
            p_run_id: runId,
            p_worker: 'bench',
            p_events: events,
            p_batch_id: crypto.randomUUID(),
          })
          if (error) throw new Error(error.message)
        }
        const perThousand = Math.round(((await size()) - before) / (lines / 1000))
        return {
          engine,
          lines,
          bytes_per_1000_lines: perThousand,
          text_bytes_per_1000_lines: Math.round(text / (lines / 1000)),
          lines_in_500_mb: Math.round((500 * 1024 * 1024) / perThousand) * 1000,
        }
      }),
    )
  }
  return results
}
