import { h } from 'preact'
import type { RunRow } from '../../../client/types.ts'
import { formatRunDuration, isTerminalStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { useNow } from '../../hooks/use-now.ts'

/** How long the run has taken, ticking while it is going. */
export function RunDuration({ run }: { run: RunRow }) {
  const now = useNow(!isTerminalStatus(run.status) && run.started_at !== null)
  return (
    <span data-duration title="Duration">
      {formatRunDuration(run.started_at, run.finished_at, now)}
    </span>
  )
}
