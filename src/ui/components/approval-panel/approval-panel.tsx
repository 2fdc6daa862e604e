import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { ApprovalWait } from '../../view-models/approval-wait.ts'
import styles from './approval-panel.css'

export interface ApprovalPanelProps {
  wait: ApprovalWait
  busy: boolean
  onDecide: (approve: boolean, comment: string | undefined) => void
}

/**
 * A run parked for approval: how many approvals it still needs and from whom, and approve or
 * reject it with an optional comment for the log — unless the person looking started it and the
 * step wants someone else, or has approved it already.
 */
export function ApprovalPanel({ wait, busy, onDecide }: ApprovalPanelProps) {
  // A comment is written for one step: when the run moves on to its next approval, the box starts
  // empty rather than sending the last step's words again under a decision they were not about.
  const [draft, setDraft] = useState({ stepId: wait.stepId, text: '' })
  const comment = draft.stepId === wait.stepId ? draft.text : ''
  const setComment = (text: string) => setDraft({ stepId: wait.stepId, text })
  const decide = (approve: boolean) => onDecide(approve, comment.trim() === '' ? undefined : comment.trim())
  let blocked: string | null = null
  if (wait.startedByYou) blocked = 'You started this run: someone else approves it.'
  else if (wait.approvedByYou) blocked = 'You approved this run: someone else gives the next approval.'
  else if (wait.roleBlocked !== null) blocked = wait.roleBlocked
  return (
    <section class={styles.panel} aria-label="Approval" data-approval-panel data-approval-step={wait.stepId}>
      <p class={styles.reason}>
        <span aria-hidden="true">‖ </span>
        {wait.reason}
      </p>
      <p class={styles.waiting} data-approval-waiting>
        {wait.waitingFor}
        {wait.approvedSoFar === null ? '' : ` · ${wait.approvedSoFar}`}
      </p>
      <p class={styles.progress} data-approval-progress>
        {wait.progress}
      </p>
      {blocked !== null ? (
        <p class={styles.blocked} data-approval-blocked>
          {blocked}
        </p>
      ) : (
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
      )}
    </section>
  )
}
