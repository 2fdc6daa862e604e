import { h } from 'preact'
import type { RunRow } from '../../../client/types.ts'
import { useNow } from '../../hooks/use-now.ts'
import { formatDuration, runDurationMs } from '../../view-models/duration.ts'
import { isTerminal } from '../../view-models/run-status.ts'

/** How long the run has taken, ticking while it is going. */
export function RunDuration({ run }: { run: RunRow }) {
  const now = useNow(!isTerminal(run.status) && run.started_at !== null)
  const ms = runDurationMs(run, now)
  return (
    <span data-duration title="Duration">
      {ms === null ? 'not started' : formatDuration(ms)}
    </span>
  )
}
