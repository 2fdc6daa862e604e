import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { TemplateSaveConflict as Conflict } from '../../../client/template-editing.ts'
import { useCopyNotice } from '../../hooks/use-copy-notice.ts'
import { textDiff } from '../../view-models/text-diff.ts'
import { DiffView } from '../diff-view/diff-view.tsx'
import styles from './template-save-conflict.css'

export interface TemplateSaveConflictProps {
  conflict: Conflict
  /** The saved author of their version, by name. */
  theirAuthor: string
  busy: boolean
  onKeepMine: () => void
  onUseTheirs: () => void
}

/**
 * Someone saved the template first: their version and the text not saved as one diff, so
 * neither is lost, and a choice. The editor keeps the unsaved text until one is made.
 */
export function TemplateSaveConflict({ conflict, theirAuthor, busy, onKeepMine, onUseTheirs }: TemplateSaveConflictProps) {
  const { theirs } = conflict
  const { notice: copyNotice, copy: copyMine } = useCopyNotice(conflict.mine, 'select your text in the editor and copy it')
  const diff = textDiff(theirs.template_yaml, conflict.mine, `saved version ${theirs.version} (${theirAuthor})`, 'your text (not saved)')
  return (
    <section class={styles.conflict} role="alert" aria-label="Save conflict" data-template-conflict={theirs.version}>
      <p class={styles.message}>
        Not saved: {theirs.title} was changed by {theirAuthor} (now version {theirs.version}) after you opened it. Your text is still in the
        editor. Lines starting with + are yours, lines with − are theirs.
      </p>
      <DiffView diff={diff} label={`Saved version ${theirs.version} compared with your text`} />
      <div class={styles.actions}>
        <Button onClick={onKeepMine} disabled={busy} data-keep-mine>
          Save mine as version {theirs.version + 1}
        </Button>
        <Button secondary onClick={onUseTheirs} disabled={busy} data-use-theirs>
          Use theirs
        </Button>
        <Button secondary onClick={() => void copyMine()}>
          Copy my text
        </Button>
        {copyNotice === null ? null : (
          <span class={styles.notice} role="status">
            {copyNotice}
          </span>
        )}
      </div>
    </section>
  )
}
