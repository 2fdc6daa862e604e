import { h } from 'preact'
import type { ArtifactRow } from '../../../client/types.ts'
import { downloadText } from '../../browser/save-text.ts'
import { artifactFileName, downloadMime, formatBytes, isTextFile, safeLinkUrl } from '../../view-models/artifact-view.ts'
import { diffLines, diffStat } from '../../view-models/diff-lines.ts'
import { DiffView } from '../diff-view/diff-view.tsx'
import { SpecProposalLink } from '../spec-proposal/spec-proposal-link.tsx'
import styles from './artifact-item.css'

/** One artifact: a web link (new window, no opener), a diff (coloured text) or a file. */
export function ArtifactItem({ artifact, onOpenSpecDoc }: { artifact: ArtifactRow; onOpenSpecDoc?: (docId: string) => void }) {
  if (artifact.kind === 'link') {
    const url = safeLinkUrl(artifact.url)
    return (
      <div class={styles.entry}>
        <span class={styles.kind}>link</span>
        {url === null ? (
          <span class={styles.title}>
            {artifact.title} <span class={styles.muted}>(not a web link)</span>
          </span>
        ) : (
          <a class={styles.link} href={url} target="_blank" rel="noopener noreferrer">
            {artifact.title}
          </a>
        )}
        {url === null ? null : <span class={styles.muted}>{url}</span>}
      </div>
    )
  }
  const download = () =>
    downloadText(artifactFileName(artifact), artifact.content ?? '', artifact.kind === 'diff' ? 'text/plain' : downloadMime(artifact.mime))
  if (artifact.kind === 'diff') {
    const stat = diffStat(diffLines(artifact.content ?? ''))
    return (
      <div class={styles.entry}>
        <div class={styles.row}>
          <span class={styles.kind}>diff</span>
          <span class={styles.title}>{artifact.title}</span>
          <span class={styles.stat}>
            <span class={styles.added}>+{stat.added}</span> <span class={styles.removed}>−{stat.removed}</span>
          </span>
        </div>
        <DiffView diff={artifact.content ?? ''} label={artifact.title} />
        <button type="button" class={styles.action} onClick={download}>
          Download .diff
        </button>
        {onOpenSpecDoc && artifact.step_id !== null ? (
          <SpecProposalLink runId={artifact.run_id} stepId={artifact.step_id} onOpen={onOpenSpecDoc} />
        ) : null}
      </div>
    )
  }
  const fileUrl = safeLinkUrl(artifact.url)
  return (
    <div class={styles.entry}>
      <div class={styles.row}>
        <span class={styles.kind}>file</span>
        <span class={styles.title}>{artifact.title}</span>
        <span class={styles.muted}>{[artifact.mime, formatBytes(artifact.size)].filter(Boolean).join(' · ')}</span>
      </div>
      {isTextFile(artifact) ? (
        <pre class={styles.file} role="region" aria-label={artifact.title} tabIndex={0}>
          {artifact.content}
        </pre>
      ) : null}
      {artifact.content === null ? null : (
        <button type="button" class={styles.action} onClick={download}>
          Download
        </button>
      )}
      {artifact.content === null && fileUrl !== null ? (
        <a class={styles.link} href={fileUrl} target="_blank" rel="noopener noreferrer">
          Open file
        </a>
      ) : null}
    </div>
  )
}
