import { h } from 'preact'
import type { EventLevel } from '../../../client/types.ts'
import { formatDuration, STEP_STATUS_VIEWS, type StepStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './log-group-header.css'

export interface LogGroupHeaderProps {
  kind: 'phase' | 'step'
  groupKey: string
  label: string
  count: number
  collapsed: boolean
  worst: EventLevel | null
  /** A step's first and latest line times: its duration so far. */
  span?: { from: string; to: string } | null
  /** The step is still going: its duration counts up to this time, not to its latest line. */
  until?: number | null
  /** A step's status (succeeded, failed, canceled, …), in the vocabulary's words. */
  status?: StepStatus | null
  onToggle: (key: string) => void
}

/** A phase or step heading inside the log; a button that folds its lines away. */
export function LogGroupHeader({
  kind,
  groupKey,
  label,
  count,
  collapsed,
  worst,
  span = null,
  until = null,
  status = null,
  onToggle,
}: LogGroupHeaderProps) {
  const view = status === null ? null : STEP_STATUS_VIEWS[status]
  return (
    <button
      type="button"
      class={`${styles.header} ${styles[kind]}`}
      aria-expanded={!collapsed}
      data-group={groupKey}
      onClick={() => onToggle(groupKey)}
    >
      <span class={styles.chevron} aria-hidden="true">
        {collapsed ? '▸' : '▾'}
      </span>
      <span class={styles.label}>{label}</span>
      <span class={styles.count}>
        {count} {count === 1 ? 'line' : 'lines'}
      </span>
      {view === null ? null : (
        <span class={styles.status} data-step-status={status} style={{ background: view.fill, color: view.text }}>
          {view.symbol} {view.label}
        </span>
      )}
      {span === null ? null : (
        <span class={styles.count} data-step-duration title="Step duration">
          {formatDuration((until ?? Date.parse(span.to)) - Date.parse(span.from))}
        </span>
      )}
      {worst === 'error' || worst === 'warn' ? (
        <span class={`${styles.flag} ${styles[worst]}`}>{worst === 'error' ? '✕ error' : '! warning'}</span>
      ) : null}
    </button>
  )
}
