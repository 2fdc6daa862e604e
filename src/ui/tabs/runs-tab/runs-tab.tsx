import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import type { RunHistoryHandle } from '../../../client/run-history.ts'
import type { RunRow } from '../../../client/types.ts'
import { RunFiltersBar } from '../../components/run-filters-bar/run-filters-bar.tsx'
import { RunHistoryItem } from '../../components/run-history-item/run-history-item.tsx'
import { useNow } from '../../hooks/use-now.ts'
import { useRunHistory } from '../../hooks/use-run-history.ts'
import { isTerminalStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { filterRuns, NO_RUN_FILTER, type RunFilterState } from '../../view-models/run-filters.ts'
import styles from './runs-tab.css'

export interface RunsTabProps {
  /** The signed-in user's runs, live; the shell keeps it open while the plugin is. */
  history: RunHistoryHandle
  onOpenRun: (runId: string) => void
  onAddToBoard: (run: RunRow) => void
}

/** The signed-in user's runs, newest first, with live status (realtime) and filters. */
export function RunsTab({ history, onOpenRun, onAddToBoard }: RunsTabProps) {
  const { runs, error } = useRunHistory(history)
  const [filter, setFilter] = useState<RunFilterState>(NO_RUN_FILTER)
  const active = runs !== null && runs.some((run) => !isTerminalStatus(run.status))
  const now = useNow(active)

  const shown = useMemo(() => filterRuns(runs ?? [], filter), [runs, filter])

  return (
    <div class={styles.tab}>
      <RunFiltersBar runs={runs ?? []} filter={filter} onChange={setFilter} />
      {error === null ? null : (
        <div class={styles.error} role="alert">
          <span>{error}</span>
          <Button secondary onClick={() => void history.refresh()}>
            Retry
          </Button>
        </div>
      )}
      {runs === null && error === null ? <p class={styles.empty}>Loading your runs…</p> : null}
      {runs !== null && runs.length === 0 ? <p class={styles.empty}>No runs yet. Start one from Chat or Templates.</p> : null}
      {runs !== null && runs.length > 0 && shown.length === 0 ? <p class={styles.empty}>No run matches these filters.</p> : null}
      <ul class={styles.list} aria-label="Runs" data-run-list>
        {shown.map((run) => (
          <RunHistoryItem key={run.id} run={run} now={now} onOpen={onOpenRun} onAddToBoard={onAddToBoard} />
        ))}
      </ul>
    </div>
  )
}
