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
import { runsStartedBy, starterName, type RunStarterFilter } from '../../view-models/run-starters.ts'
import styles from './runs-tab.css'

export interface RunsTabProps {
  /** The signed-in user's runs, live; the shell keeps it open while the plugin is. */
  history: RunHistoryHandle
  onOpenRun: (runId: string) => void
  onAddToBoard: (run: RunRow) => void
  /** The signed-in person. */
  userId: string | null
  /** Members of the workspace by user id, to say who started each run. */
  names: ReadonlyMap<string, string>
}

const STARTERS: { value: RunStarterFilter; label: string }[] = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'mine', label: 'Mine' },
]

/** The workspace's runs, newest first, with who started each, live status (realtime) and filters. */
export function RunsTab({ history, onOpenRun, onAddToBoard, userId, names }: RunsTabProps) {
  const { runs, error } = useRunHistory(history)
  const [filter, setFilter] = useState<RunFilterState>(NO_RUN_FILTER)
  const [starters, setStarters] = useState<RunStarterFilter>('everyone')
  const active = runs !== null && runs.some((run) => !isTerminalStatus(run.status))
  const now = useNow(active)

  const shown = useMemo(() => filterRuns(runsStartedBy(runs ?? [], starters, userId), filter), [runs, filter, starters, userId])

  return (
    <div class={styles.tab}>
      <div class={styles.starters} role="group" aria-label="Whose runs">
        {STARTERS.map((option) => (
          <button
            key={option.value}
            type="button"
            class={starters === option.value ? `${styles.starter} ${styles.chosen}` : styles.starter}
            aria-pressed={starters === option.value}
            onClick={() => setStarters(option.value)}
            data-run-starters={option.value}
          >
            {option.label}
          </button>
        ))}
      </div>
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
      {runs !== null && runs.length === 0 ? (
        <p class={styles.empty}>No runs in this workspace yet. Start one from Chat or Templates.</p>
      ) : null}
      {runs !== null && runs.length > 0 && shown.length === 0 ? <p class={styles.empty}>No run matches these filters.</p> : null}
      <ul class={styles.list} aria-label="Runs" data-run-list>
        {shown.map((run) => (
          <RunHistoryItem
            key={run.id}
            run={run}
            now={now}
            onOpen={onOpenRun}
            onAddToBoard={onAddToBoard}
            startedBy={starterName(run, names, userId)}
          />
        ))}
      </ul>
    </div>
  )
}
