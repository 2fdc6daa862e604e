import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { SpecRevisionRow } from '../../../client/types.ts'
import { useServices } from '../../services/services-context.ts'
import { MarkdownPreview } from '../markdown-preview/markdown-preview.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './revision-history.css'

export interface RevisionHistoryProps {
  docId: string
  /** Bumped after each save so the list includes the version just superseded. */
  version: number
  onRestore: (content: string) => void
}

/** Every superseded version of a document; any one can be read, and copied back into the editor. */
export function RevisionHistory({ docId, version, onRestore }: RevisionHistoryProps) {
  const { api } = useServices()
  const [revisions, setRevisions] = useState<SpecRevisionRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [viewing, setViewing] = useState<SpecRevisionRow | null>(null)

  useEffect(() => {
    let stopped = false
    setRevisions(null)
    api.listRevisions(docId).then(
      (rows) => !stopped && setRevisions(rows),
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [api, docId, version])

  if (viewing !== null) {
    return (
      <div class={styles.viewing} data-revision-view={viewing.version}>
        <div class={styles.bar}>
          <Button secondary onClick={() => setViewing(null)}>
            ← All versions
          </Button>
          <span class={styles.caption}>
            Version {viewing.version}, saved {new Date(viewing.saved_at).toLocaleString()}
          </span>
          <Button secondary onClick={() => onRestore(viewing.content)} data-restore-revision>
            Put this text in the editor
          </Button>
        </div>
        <MarkdownPreview source={viewing.content} label={`Version ${viewing.version}`} />
      </div>
    )
  }
  return (
    <div class={styles.history} data-revision-history>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {revisions === null && error === null ? <p class={styles.muted}>Loading the history…</p> : null}
      {revisions !== null && revisions.length === 0 ? <p class={styles.muted}>No earlier versions: this is the first.</p> : null}
      <ul class={styles.list}>
        {(revisions ?? []).map((revision) => (
          <li key={revision.id}>
            <button type="button" class={styles.item} onClick={() => setViewing(revision)} data-revision={revision.version}>
              <span class={styles.version}>Version {revision.version}</span>
              <span class={styles.muted}>{new Date(revision.saved_at).toLocaleString()}</span>
              <span class={styles.muted}>{revision.content.length} characters</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
