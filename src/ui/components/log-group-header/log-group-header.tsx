import { h } from 'preact'
import type { EventLevel } from '../../../client/types.ts'
import styles from './log-group-header.css'

export interface LogGroupHeaderProps {
  kind: 'phase' | 'step'
  groupKey: string
  label: string
  count: number
  collapsed: boolean
  worst: EventLevel | null
  onToggle: (key: string) => void
}

/** A phase or step heading inside the log; a button that folds its lines away. */
export function LogGroupHeader({ kind, groupKey, label, count, collapsed, worst, onToggle }: LogGroupHeaderProps) {
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
      {worst === 'error' || worst === 'warn' ? (
        <span class={`${styles.flag} ${styles[worst]}`}>{worst === 'error' ? '✕ error' : '! warning'}</span>
      ) : null}
    </button>
  )
}
