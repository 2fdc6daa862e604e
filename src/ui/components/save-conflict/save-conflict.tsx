import { Button } from '@create-figma-plugin/ui'
import { Fragment, h } from 'preact'
import type { SpecSaveConflict } from '../../../client/types.ts'
import { useCopyNotice } from '../../hooks/use-copy-notice.ts'
import styles from './save-conflict.css'

export interface SaveConflictProps {
  conflict: SpecSaveConflict
  /** 'theirs' once their text was loaded into the editor (mine stays here until dismissed). */
  resolution: 'open' | 'theirs'
  busy: boolean
  onKeepMine: () => void
  onUseTheirs: () => void
  onDismiss: () => void
}

/** Someone saved first: both texts side by side, so neither is lost, and a choice. */
export function SaveConflict({ conflict, resolution, busy, onKeepMine, onUseTheirs, onDismiss }: SaveConflictProps) {
  const { theirs } = conflict
  const { notice: copyNotice, copy: copyMine } = useCopyNotice(conflict.mine, 'select your text above and copy it')
  return (
    <section class={styles.conflict} role="alert" aria-label="Save conflict" data-save-conflict>
      <p class={styles.message} data-conflict-message>
        {resolution === 'theirs'
          ? 'Their version is in the editor now. Your text is kept below until you dismiss it.'
          : // The server's own sentence says the same with its version numbers: one clear sentence is enough.
            `Not saved: ${theirs.title} was changed by someone else (now version ${theirs.version}) after you opened it. Both texts are below: save yours over theirs, or use theirs.`}
      </p>
      <div class={styles.columns}>
        <div class={styles.column}>
          <h3 class={styles.heading}>Your text (not saved)</h3>
          <textarea class={styles.text} readOnly value={conflict.mine} aria-label="Your text (not saved)" data-conflict-mine />
        </div>
        <div class={styles.column}>
          <h3 class={styles.heading}>
            Saved version {theirs.version}
            {theirs.updated_by === null ? '' : ' (someone else)'}
          </h3>
          <textarea
            class={styles.text}
            readOnly
            value={theirs.content}
            aria-label={`Saved version ${theirs.version}`}
            data-conflict-theirs
          />
        </div>
      </div>
      <div class={styles.actions}>
        {resolution === 'open' ? (
          <>
            <Button onClick={onKeepMine} disabled={busy} data-keep-mine>
              Save mine over theirs
            </Button>
            <Button secondary onClick={onUseTheirs} disabled={busy} data-use-theirs>
              Use theirs
            </Button>
          </>
        ) : null}
        <Button secondary onClick={() => void copyMine()}>
          Copy my text
        </Button>
        {copyNotice === null ? null : (
          <span class={styles.notice} role="status">
            {copyNotice}
          </span>
        )}
        {resolution === 'theirs' ? (
          <Button secondary onClick={onDismiss}>
            Dismiss
          </Button>
        ) : null}
      </div>
    </section>
  )
}
