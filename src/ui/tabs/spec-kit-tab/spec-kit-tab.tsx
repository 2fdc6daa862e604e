import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { SpecDocRow } from '../../../client/types.ts'
import { SpecDocEditor } from '../../components/spec-doc-editor/spec-doc-editor.tsx'
import { SpecBoardPanel } from '../../components/spec-board/spec-board-panel.tsx'
import { takeRelaunchedDoc } from '../../components/spec-board/relaunched-doc.ts'
import { useServices } from '../../services/services-context.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-kit-tab.css'

/** The Spec Kit documents: pick one, read it, edit it, save it. Drafts survive switching documents. */
export function SpecKitTab() {
  const { api } = useServices()
  const [docs, setDocs] = useState<SpecDocRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [reload, setReload] = useState(0)

  useEffect(() => {
    let stopped = false
    setError(null)
    api.listSpecDocs().then(
      (rows) => {
        if (stopped) return
        setDocs(rows)
        setSelected((current) => takeRelaunchedDoc(rows) ?? current ?? rows[0]?.slug ?? null)
      },
      (caught: unknown) => !stopped && setError(errorMessage(caught)),
    )
    return () => {
      stopped = true
    }
  }, [api, reload])

  const doc = docs?.find((candidate) => candidate.slug === selected) ?? null

  return (
    <div class={styles.tab}>
      <div class={styles.docs} role="tablist" aria-label="Spec Kit documents" data-spec-docs>
        {(docs ?? []).map((candidate) => {
          const dirty = drafts[candidate.slug] !== undefined && drafts[candidate.slug] !== candidate.content
          return (
            <button
              key={candidate.slug}
              type="button"
              role="tab"
              aria-selected={candidate.slug === selected}
              class={candidate.slug === selected ? `${styles.doc} ${styles.selected}` : styles.doc}
              onClick={() => setSelected(candidate.slug)}
              data-spec-doc={candidate.slug}
            >
              {candidate.title}
              {dirty ? (
                <span class={styles.dirty} aria-label="unsaved changes">
                  {' '}
                  •
                </span>
              ) : null}
            </button>
          )
        })}
      </div>
      {error === null ? null : (
        <div class={styles.error} role="alert">
          <span>{error}</span>
          <Button secondary onClick={() => setReload(reload + 1)}>
            Retry
          </Button>
        </div>
      )}
      {docs === null && error === null ? <p class={styles.empty}>Loading the documents…</p> : null}
      {docs !== null && docs.length === 0 ? (
        <p class={styles.empty}>No Spec Kit documents. The migration seeds four; is it applied?</p>
      ) : null}
      {doc === null ? null : (
        <SpecDocEditor
          key={doc.slug}
          doc={doc}
          draft={drafts[doc.slug] ?? doc.content}
          onDraftChange={(draft) => setDrafts((current) => ({ ...current, [doc.slug]: draft }))}
          onSaved={(saved) => setDocs((current) => (current ?? []).map((row) => (row.slug === saved.slug ? saved : row)))}
        />
      )}
      {doc === null ? null : <SpecBoardPanel key={doc.slug} doc={doc} />}
    </div>
  )
}
