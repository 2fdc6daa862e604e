import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { RunRow } from '../../../client/types.ts'
import { isTerminalStatus } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './run-actions.css'

export interface RunActionsProps {
  run: RunRow
  /** The action in flight ('cancel', 'rerun'…), which disables the buttons. */
  busy: string | null
  onCancel: () => void
  onRerun: () => void
  /** Absent where there is no board to add to. */
  onAddToBoard?: () => void
}

/** Cancel while a run is going; Re-run once it ended; Add to board any time (in the plugin). */
export function RunActions({ run, busy, onCancel, onRerun, onAddToBoard }: RunActionsProps) {
  const finished = isTerminalStatus(run.status)
  return (
    <div class={styles.actions}>
      {finished ? null : (
        <Button secondary danger onClick={onCancel} disabled={busy !== null || run.cancel_requested} data-cancel>
          {run.cancel_requested ? 'Canceling…' : 'Cancel'}
        </Button>
      )}
      {finished ? (
        <Button secondary onClick={onRerun} disabled={busy !== null || run.template_slug === null} data-rerun>
          Re-run
        </Button>
      ) : null}
      {onAddToBoard ? (
        <Button secondary onClick={onAddToBoard} disabled={busy !== null} data-add-to-board>
          Add to board
        </Button>
      ) : null}
    </div>
  )
}
