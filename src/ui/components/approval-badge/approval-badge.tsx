import { h } from 'preact'
import styles from './approval-badge.css'

/** Shown on a runbook card whose plan parks for approval before it goes on. */
export function ApprovalBadge({ reason }: { reason: string | null }) {
  return (
    <span class={styles.badge} title={reason ?? undefined} data-approval>
      <span aria-hidden="true">‖</span> Needs approval
    </span>
  )
}
