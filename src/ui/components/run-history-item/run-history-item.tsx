import { h } from 'preact'
import type { RunRow } from '../../../client/types.ts'
import { formatDuration, outcomeOf, runDurationMs } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { formatAge } from '../../view-models/times.ts'
import { StatusBadge } from '../status-badge/status-badge.tsx'
import styles from './run-history-item.css'

export interface RunHistoryItemProps {
  run: RunRow
  now: number
  onOpen: (runId: string) => void
  onAddToBoard: (run: RunRow) => void
  /** Who started it, by name; not shown when not given. */
  startedBy?: string
}

/** A run in the history: opens its log; can be pinned to the board. */
export function RunHistoryItem({ run, now, onOpen, onAddToBoard, startedBy }: RunHistoryItemProps) {
  const ms = runDurationMs(run.started_at, run.finished_at, now)
  return (
    <li class={styles.item} data-run={run.id} data-run-status={run.status} data-run-template={run.template_slug ?? ''}>
      <button type="button" class={styles.open} onClick={() => onOpen(run.id)} data-open-run>
        <span class={styles.top}>
          <StatusBadge run={run} />
          <span class={styles.title}>{run.title}</span>
        </span>
        <span class={styles.meta}>
          <span class={styles.env}>{run.env}</span>
          <span>{run.template_slug ?? 'no template'}</span>
          {startedBy === undefined ? null : <span data-started-by>by {startedBy}</span>}
          <span>{formatAge(run.created_at, now)}</span>
          {ms === null ? null : <span>{formatDuration(ms)}</span>}
          {run.dry_run && outcomeOf(run) === null ? <span>dry run</span> : null}
        </span>
      </button>
      <button
        type="button"
        class={styles.board}
        onClick={() => onAddToBoard(run)}
        data-add-to-board
        // The visible words first, so speech users can say what they see.
        aria-label={`Add to board: ${run.title}`}
      >
        Add to board
      </button>
    </li>
  )
}
