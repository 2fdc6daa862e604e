import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import type { RunHistoryHandle } from '../../../client/run-history.ts'
import type { RunRow } from '../../../client/types.ts'
import { RunFiltersBar } from '../../components/run-filters-bar/run-filters-bar.tsx'
import { RunHistoryItem } from '../../components/run-history-item/run-history-item.tsx'
import { useNow } from '../../hooks/use-now.ts'
import { useRunHistory } from '../../hooks/use-run-history.ts'
import { isTerminalStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { filterRuns, isFiltered, NO_RUN_FILTER, type RunFilterState } from '../../view-models/run-filters.ts'
import { parseLineLink } from '../../view-models/line-link.ts'
import { runsStartedBy, starterName, type RunStarterFilter } from '../../view-models/run-starters.ts'
import type { CatalogEntry } from '../../view-models/template-catalog.ts'
import styles from './runs-tab.css'

export interface RunsTabProps {
  /** The signed-in user's runs, live; the shell keeps it open while the plugin is. */
  history: RunHistoryHandle
  /** Opens a run's log, at a line when a link names one. */
  onOpenRun: (runId: string, seq?: number | null) => void
  onAddToBoard: (run: RunRow) => void
  /** The templates, so the filter names them as people know them. */
  catalog?: readonly CatalogEntry[]
  /** The signed-in person. */
  userId: string | null
  /** Members of the workspace by user id, to say who started each run. */
  names: ReadonlyMap<string, string>
}

const STARTERS: { value: RunStarterFilter; label: string }[] = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'mine', label: 'Mine' },
]

/** The workspace's runs, newest first, with who started each, live status (realtime), filters and links. */
export function RunsTab({ history, onOpenRun, onAddToBoard, catalog = [], userId, names }: RunsTabProps) {
  const { runs, error } = useRunHistory(history)
  const [filter, setFilter] = useState<RunFilterState>(NO_RUN_FILTER)
  const [starters, setStarters] = useState<RunStarterFilter>('everyone')
  const [link, setLink] = useState('')
  const [linkError, setLinkError] = useState<string | null>(null)
  const openLink = () => {
    const target = parseLineLink(link)
    if (target === null) {
      setLinkError('Not a link to a run or a log line: paste one made with a log line’s “Copy link to line” (ops-control-room://runs/…).')
      return
    }
    setLinkError(null)
    onOpenRun(target.runId, target.seq)
  }
  const active = runs !== null && runs.some((run) => !isTerminalStatus(run.status))
  const now = useNow(active)

  const shown = useMemo(() => filterRuns(runsStartedBy(runs ?? [], starters, userId), filter), [runs, filter, starters, userId])
  const templateNames = useMemo(() => new Map(catalog.map((entry) => [entry.slug, entry.template?.title ?? entry.row.title])), [catalog])

  return (
    <div class={styles.tab}>
      <form
        class={styles.link}
        onSubmit={(event) => {
          event.preventDefault()
          openLink()
        }}
      >
        <Textbox
          aria-label="Open a link to a run or a log line"
          placeholder="Paste a link to a run or a log line"
          value={link}
          onValueInput={(value) => {
            setLink(value)
            setLinkError(null)
          }}
          data-open-link
        />
        <Button secondary onClick={openLink} disabled={link.trim() === ''} data-open-link-button>
          Open
        </Button>
      </form>
      {linkError === null ? null : (
        <p class={styles.error} role="alert">
          {linkError}
        </p>
      )}
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
      <RunFiltersBar runs={runs ?? []} filter={filter} onChange={setFilter} templateNames={templateNames} />
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
      {runs !== null && runs.length > 0 && shown.length === 0 ? (
        <div class={styles.empty} data-no-match>
          <p>No run matches these filters.</p>
          {isFiltered(filter) || starters !== 'everyone' ? (
            <Button
              secondary
              onClick={() => {
                setFilter(NO_RUN_FILTER)
                setStarters('everyone')
              }}
              data-clear-filters
            >
              Clear filters
            </Button>
          ) : null}
        </div>
      ) : null}
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
