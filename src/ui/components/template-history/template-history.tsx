import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { TemplateRevisionRow } from '../../../client/template-editing.ts'
import { useServices } from '../../services/services-context.ts'
import { textDiff } from '../../view-models/text-diff.ts'
import { DiffView } from '../diff-view/diff-view.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './template-history.css'

export interface TemplateHistoryProps {
  slug: string
  /** The current version: the list loads again after each save. */
  version: number
  names: ReadonlyMap<string, string>
  /** Admins restore a revision as a new one; absent for everyone else. */
  onRestore?: (revision: TemplateRevisionRow) => void
  busy: boolean
}

/** Who saved which revision of a template and when; each one opens as a diff against the one before. */
export function TemplateHistory({ slug, version, names, onRestore, busy }: TemplateHistoryProps) {
  const { templates } = useServices()
  const [revisions, setRevisions] = useState<TemplateRevisionRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)

  useEffect(() => {
    let stopped = false
    setError(null)
    templates.listRevisions(slug).then(
      (rows) => !stopped && setRevisions(rows),
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [templates, slug, version])

  const authorOf = (revision: TemplateRevisionRow) =>
    revision.saved_by === null ? 'the deployment' : (names.get(revision.saved_by) ?? 'a former member')

  return (
    <section class={styles.history} aria-labelledby="template-history-title" data-template-history>
      <h3 class={styles.title} id="template-history-title">
        History
      </h3>
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {revisions === null && error === null ? <p class={styles.muted}>Loading the history…</p> : null}
      <ol class={styles.list}>
        {(revisions ?? []).map((revision, index) => {
          const previous = revisions?.[index + 1] ?? null
          const expanded = open === revision.id
          const current = revision.revision === version
          return (
            <li key={revision.id} class={styles.entry} data-revision={revision.revision}>
              <button
                type="button"
                class={styles.item}
                aria-expanded={expanded}
                onClick={() => setOpen(expanded ? null : revision.id)}
                data-revision-toggle={revision.revision}
              >
                <span class={styles.version}>Version {revision.revision}</span>
                <span data-revision-author>{authorOf(revision)}</span>
                <span class={styles.muted}>{new Date(revision.saved_at).toLocaleString()}</span>
                {current ? <span class={styles.current}>current</span> : null}
              </button>
              {expanded ? (
                <div class={styles.detail}>
                  <DiffView
                    diff={textDiff(
                      previous?.template_yaml ?? '',
                      revision.template_yaml,
                      previous === null ? 'nothing (the first version)' : `version ${previous.revision}`,
                      `version ${revision.revision}`,
                    )}
                    label={`What version ${revision.revision} changed`}
                  />
                  {onRestore !== undefined && !current ? (
                    <Button secondary onClick={() => onRestore(revision)} disabled={busy} data-restore-revision={revision.revision}>
                      Restore version {revision.revision} as version {version + 1}
                    </Button>
                  ) : null}
                </div>
              ) : null}
            </li>
          )
        })}
      </ol>
    </section>
  )
}
