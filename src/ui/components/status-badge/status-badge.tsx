import { h } from 'preact'
import type { RunStatus } from '../../../client/types.ts'
import { statusView } from '../../view-models/run-status.ts'
import styles from './status-badge.css'

/** A run's status as a word and a symbol on a tinted badge (colour is never the only signal). */
export function StatusBadge({ status }: { status: RunStatus }) {
  const view = statusView(status)
  return (
    <span class={`${styles.badge} ${styles[view.tone]}`} data-status={status}>
      <span class={status === 'running' ? styles.spinning : undefined} aria-hidden="true">
        {view.symbol}
      </span>
      <span>{view.label}</span>
    </span>
  )
}
