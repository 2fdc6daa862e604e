/**
 * Which runs just finished: seen going (queued, running or waiting) and now ended. A run first
 * seen already ended (history loaded when the plugin opened) finished earlier and is not news.
 */
import type { RunRow, RunStatus } from '../../client/types.ts'
import { isTerminalStatus } from '../../../supabase/functions/_shared/vocabulary/index.ts'

export interface FinishedRuns {
  /** Every listed run's status, to compare the next list with. */
  statuses: Map<string, RunStatus>
  finished: RunRow[]
}

export function finishedRuns(previous: ReadonlyMap<string, RunStatus>, runs: readonly RunRow[]): FinishedRuns {
  const finished = runs.filter((run) => {
    const before = previous.get(run.id)
    return before !== undefined && !isTerminalStatus(before) && isTerminalStatus(run.status)
  })
  return { statuses: new Map(runs.map((run) => [run.id, run.status])), finished }
}
