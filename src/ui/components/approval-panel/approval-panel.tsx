import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import styles from './approval-panel.css'

export interface ApprovalPanelProps {
  reason: string | null
  busy: boolean
  onDecide: (approve: boolean, comment: string | undefined) => void
}

/** A run parked for approval: approve or reject it, with an optional comment for the log. */
export function ApprovalPanel({ reason, busy, onDecide }: ApprovalPanelProps) {
  const [comment, setComment] = useState('')
  const decide = (approve: boolean) => onDecide(approve, comment.trim() === '' ? undefined : comment.trim())
  return (
    <section class={styles.panel} aria-label="Approval" data-approval-panel>
      <p class={styles.reason}>
        <span aria-hidden="true">‖ </span>
        {reason ?? 'This run waits for your approval before it continues.'}
      </p>
      <div class={styles.row}>
        <label class={styles.comment}>
          <span class={styles.label}>Comment (optional)</span>
          <Textbox value={comment} onValueInput={setComment} placeholder="Why, for the log" variant="border" />
        </label>
        <Button onClick={() => decide(true)} disabled={busy} data-approve>
          Approve
        </Button>
        <Button secondary danger onClick={() => decide(false)} disabled={busy} data-reject>
          Reject
        </Button>
      </div>
    </section>
  )
}
