import { h } from 'preact'
import { outcomeOf, runBadgeView, type OutcomeFacts } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './status-badge.css'

/**
 * A run's status, or once finished its outcome (a dry run reads "Dry run", never "Succeeded"), as
 * a word and a symbol on a tinted badge (colour is never the only signal). The colours are the
 * vocabulary's, the same on the canvas card and the widget; the tone picks the shape.
 */
export function StatusBadge({ run }: { run: OutcomeFacts }) {
  const view = runBadgeView(run)
  const colors = { '--status-fill': view.fill, '--status-text': view.text, '--status-accent': view.accent }
  const shape = view.tone === 'muted' ? styles.muted : view.tone === 'dry' ? styles.dry : null
  return (
    <span
      class={shape === null ? styles.badge : `${styles.badge} ${shape}`}
      style={colors}
      data-status={run.status}
      data-outcome={outcomeOf(run) ?? undefined}
    >
      <span class={run.status === 'running' ? styles.spinning : undefined} aria-hidden="true">
        {view.symbol}
      </span>
      <span>{view.label}</span>
    </span>
  )
}
