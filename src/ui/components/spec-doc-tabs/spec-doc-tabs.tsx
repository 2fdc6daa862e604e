import { Button, Textbox } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { SpecDocRow } from '../../../client/types.ts'
import { orderSpecDocs } from '../../../../supabase/functions/_shared/spec/doc-order.ts'
import {
  SPEC_DOC_KINDS,
  SPEC_DOC_TEMPLATE_LABELS,
  isSpecDocKind,
  type SpecDocKind,
} from '../../../../supabase/functions/_shared/vocabulary/spec-documents.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-doc-tabs.css'

export interface SpecDocTabsProps {
  docs: readonly SpecDocRow[]
  selected: string | null
  onSelect: (slug: string) => void
  /** Slugs with unsaved drafts (a dot on their tab). */
  dirty: ReadonlySet<string>
  /** Whether the person may add, rename and archive (operator and up); the database decides in the end. */
  canEdit: boolean
  onCreate: (kind: SpecDocKind, title: string) => Promise<void>
  onRename: (doc: SpecDocRow, title: string) => Promise<void>
  onArchive: (doc: SpecDocRow, archived: boolean) => Promise<void>
}

type Form = { kind: 'add'; template: SpecDocKind; title: string } | { kind: 'rename'; title: string } | null

/**
 * The document tabs in Spec Kit order (constitution, spec, plan, tasks, then by title), and under
 * them adding a document from a template, renaming and archiving the selected one. Archived
 * documents show only with "Show archived", where they can be restored.
 */
export function SpecDocTabs({ docs, selected, onSelect, dirty, canEdit, onCreate, onRename, onArchive }: SpecDocTabsProps) {
  const [showArchived, setShowArchived] = useState(false)
  const [form, setForm] = useState<Form>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const archivedCount = docs.filter((doc) => doc.archived_at !== null).length
  const shown = orderSpecDocs(docs.filter((doc) => showArchived || doc.archived_at === null || doc.slug === selected))
  const current = docs.find((doc) => doc.slug === selected) ?? null

  async function attempt(action: () => Promise<void>): Promise<void> {
    setBusy(true)
    setProblem(null)
    try {
      await action()
      setForm(null)
    } catch (caught) {
      setProblem(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  const submit = () => {
    if (form?.kind === 'add') void attempt(() => onCreate(form.template, form.title))
    else if (form?.kind === 'rename' && current) void attempt(() => onRename(current, form.title))
  }

  return (
    <div class={styles.bar}>
      <div class={styles.tabs} role="tablist" aria-label="Spec Kit documents" data-spec-docs>
        {shown.map((doc) => (
          <button
            key={doc.slug}
            type="button"
            role="tab"
            aria-selected={doc.slug === selected}
            class={doc.slug === selected ? `${styles.tab} ${styles.selected}` : styles.tab}
            onClick={() => onSelect(doc.slug)}
            data-spec-doc={doc.slug}
            data-archived={doc.archived_at === null ? undefined : ''}
          >
            {doc.title}
            {doc.archived_at === null ? null : <span class={styles.archivedMark}> (archived)</span>}
            {dirty.has(doc.slug) ? (
              <span class={styles.dirty} aria-label="unsaved changes">
                {' '}
                •
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <div class={styles.actions} data-spec-doc-actions>
        {canEdit ? (
          <button
            type="button"
            class={styles.action}
            disabled={busy}
            onClick={() => setForm({ kind: 'add', template: 'spec', title: '' })}
            data-add-doc
          >
            + Add document
          </button>
        ) : null}
        {canEdit && current !== null ? (
          <button
            type="button"
            class={styles.action}
            disabled={busy}
            onClick={() => setForm({ kind: 'rename', title: current.title })}
            data-rename-doc
          >
            Rename
          </button>
        ) : null}
        {canEdit && current !== null ? (
          <button
            type="button"
            class={styles.action}
            disabled={busy}
            onClick={() => void attempt(() => onArchive(current, current.archived_at === null))}
            data-archive-doc={current.archived_at === null ? 'archive' : 'restore'}
          >
            {current.archived_at === null ? 'Archive' : 'Restore'}
          </button>
        ) : null}
        <span class={styles.spacer} />
        <label class={styles.toggle}>
          <input
            type="checkbox"
            checked={showArchived}
            onChange={(event) => setShowArchived(event.currentTarget.checked)}
            data-show-archived
          />
          Show archived{archivedCount === 0 ? '' : ` (${archivedCount})`}
        </label>
      </div>
      {form === null ? null : (
        <form
          class={styles.form}
          data-doc-form={form.kind}
          onSubmit={(event) => {
            event.preventDefault()
            submit()
          }}
        >
          {form.kind === 'add' ? (
            <label class={styles.field}>
              <span>Template</span>
              <select
                class={styles.select}
                value={form.template}
                onChange={(event) => {
                  const value = event.currentTarget.value
                  if (isSpecDocKind(value)) setForm({ ...form, template: value })
                }}
                data-doc-template
              >
                {SPEC_DOC_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {SPEC_DOC_TEMPLATE_LABELS[kind]}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label class={styles.field}>
            <span>{form.kind === 'add' ? 'Title' : `New title of ${current?.title ?? 'the document'}`}</span>
            <Textbox
              value={form.title}
              onValueInput={(title) => setForm({ ...form, title })}
              placeholder="e.g. Checkout spec"
              variant="border"
              data-doc-title
            />
          </label>
          <Button disabled={busy || form.title.trim() === ''} loading={busy} onClick={submit} data-doc-form-submit>
            {form.kind === 'add' ? 'Add' : 'Rename'}
          </Button>
          <Button
            secondary
            disabled={busy}
            onClick={() => {
              setForm(null)
              setProblem(null)
            }}
          >
            Cancel
          </Button>
        </form>
      )}
      {problem === null ? null : (
        <p class={styles.problem} role="alert" data-doc-problem>
          {problem}
        </p>
      )}
    </div>
  )
}
