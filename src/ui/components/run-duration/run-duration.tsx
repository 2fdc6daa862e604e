import { h } from 'preact'
import type { RunRow } from '../../../client/types.ts'
import { formatRunDuration, isTerminalStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { useNow } from '../../hooks/use-now.ts'

/**
 * How long the run has taken, ticking while it is going. A run that is not finished counts up to
 * now even if its row still carries an earlier attempt's or decision's finish time.
 */
export function RunDuration({ run }: { run: RunRow }) {
  const going = !isTerminalStatus(run.status)
  const now = useNow(going && run.started_at !== null)
  return (
    <span data-duration title="Duration">
      {formatRunDuration(run.started_at, going ? null : run.finished_at, now)}
    </span>
  )
}
