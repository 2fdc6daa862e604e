import { h } from 'preact'
import type { ArtifactRow } from '../../../client/types.ts'
import { ArtifactItem } from '../artifact-item/artifact-item.tsx'
import styles from './artifacts-sidebar.css'

/** What a run produced: links (opened in a new window), diffs (coloured text) and files. */
export function ArtifactsSidebar({
  artifacts,
  finished = false,
  onOpenSpecDoc,
}: {
  artifacts: readonly ArtifactRow[]
  finished?: boolean
  /** Opens a Spec Kit document (a spec step's proposal links to it). */
  onOpenSpecDoc?: (docId: string) => void
}) {
  return (
    <aside class={styles.sidebar} aria-label="Artifacts" data-artifacts>
      <h3 class={styles.heading}>Artifacts {artifacts.length === 0 ? null : <span class={styles.count}>{artifacts.length}</span>}</h3>
      {artifacts.length > 0 ? null : finished ? (
        <p class={styles.empty} data-no-artifacts>
          No artifacts: this run made no links, diffs or files.
        </p>
      ) : (
        <p class={styles.empty}>None yet. Links, diffs and files appear here as the run makes them.</p>
      )}
      <ul class={styles.list}>
        {artifacts.map((artifact) => (
          <li key={artifact.id} class={styles.item} data-artifact={artifact.kind}>
            <ArtifactItem artifact={artifact} onOpenSpecDoc={onOpenSpecDoc} />
          </li>
        ))}
      </ul>
    </aside>
  )
}
