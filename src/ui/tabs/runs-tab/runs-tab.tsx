import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { RunRow } from '../../../client/types.ts'
import { RunFiltersBar } from '../../components/run-filters-bar/run-filters-bar.tsx'
import { RunHistoryItem } from '../../components/run-history-item/run-history-item.tsx'
import { useNow } from '../../hooks/use-now.ts'
import { useServices } from '../../services/services-context.ts'
import { filterRuns, NO_RUN_FILTER, type RunFilterState } from '../../view-models/run-filters.ts'
import { isTerminal } from '../../view-models/run-status.ts'
import styles from './runs-tab.css'

/** How often the history refreshes: often while a run is going, rarely when all are done. */
const ACTIVE_REFRESH_MS = 2000
const IDLE_REFRESH_MS = 10_000

export interface RunsTabProps {
  onOpenRun: (runId: string) => void
  onAddToBoard: (run: RunRow) => void
}

/** The signed-in user's runs, newest first, with live status and filters. */
export function RunsTab({ onOpenRun, onAddToBoard }: RunsTabProps) {
  const { api } = useServices()
  const [runs, setRuns] = useState<RunRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [filter, setFilter] = useState<RunFilterState>(NO_RUN_FILTER)
  const [reload, setReload] = useState(0)
  const active = runs !== null && runs.some((run) => !isTerminal(run.status))
  const now = useNow(active)

  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = async () => {
      let next: RunRow[] | null = null
      try {
        next = await api.listRuns({ limit: 200 })
        if (stopped) return
        setRuns(next)
        setError(null)
      } catch (caught) {
        if (!stopped) setError((caught as Error).message)
      }
      if (stopped) return
      const busy = next !== null && next.some((run) => !isTerminal(run.status))
      timer = setTimeout(load, busy || next === null ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS)
    }
    void load()
    return () => {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [api, reload])

  const shown = useMemo(() => filterRuns(runs ?? [], filter), [runs, filter])

  return (
    <div class={styles.tab}>
      <RunFiltersBar runs={runs ?? []} filter={filter} onChange={setFilter} />
      {error === null ? null : (
        <div class={styles.error} role="alert">
          <span>{error}</span>
          <Button secondary onClick={() => setReload(reload + 1)}>Retry</Button>
        </div>
      )}
      {runs === null && error === null ? <p class={styles.empty}>Loading your runs…</p> : null}
      {runs !== null && runs.length === 0 ? <p class={styles.empty}>No runs yet. Start one from Chat or Templates.</p> : null}
      {runs !== null && runs.length > 0 && shown.length === 0 ? <p class={styles.empty}>No run matches these filters.</p> : null}
      <ul class={styles.list} aria-label="Runs" data-run-list>
        {shown.map((run) => <RunHistoryItem key={run.id} run={run} now={now} onOpen={onOpenRun} onAddToBoard={onAddToBoard} />)}
      </ul>
    </div>
  )
}
