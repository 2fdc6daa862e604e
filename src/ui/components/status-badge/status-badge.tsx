import { h } from 'preact'
import type { RunStatus } from '../../../client/types.ts'
import { statusView } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './status-badge.css'

/**
 * A run's status as a word and a symbol on a tinted badge (colour is never the only signal). The
 * colours are the vocabulary's, the same on the canvas card and the widget; the tone picks the shape.
 */
export function StatusBadge({ status }: { status: RunStatus }) {
  const view = statusView(status)
  const colors = { '--status-fill': view.fill, '--status-text': view.text, '--status-accent': view.accent }
  return (
    <span class={view.tone === 'muted' ? `${styles.badge} ${styles.muted}` : styles.badge} style={colors} data-status={status}>
      <span class={status === 'running' ? styles.spinning : undefined} aria-hidden="true">
        {view.symbol}
      </span>
      <span>{view.label}</span>
    </span>
  )
}
