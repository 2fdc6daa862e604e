import { Button, SegmentedControl } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { SpecDocRow, SpecSaveConflict } from '../../../client/types.ts'
import { useServices } from '../../services/services-context.ts'
import { toggleTask } from '../../view-models/task-checkboxes.ts'
import { useMembers } from '../../hooks/use-members.ts'
import { MarkdownPreview } from '../markdown-preview/markdown-preview.tsx'
import { SpecHistory } from '../spec-history/spec-history.tsx'
import { SpecMergeConflict } from '../spec-history/spec-merge-conflict.tsx'
import { SpecReviewBar } from '../spec-review/spec-review-bar.tsx'
import { SpecComments } from '../spec-comments/spec-comments.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-doc-editor.css'

const MODES = [
  { value: 'write', children: 'Write' },
  { value: 'preview', children: 'Preview' },
  { value: 'history', children: 'History' },
  { value: 'comments', children: 'Comments' },
] as const

type Mode = (typeof MODES)[number]['value']

export interface SpecDocEditorProps {
  /** The saved document the draft is based on (its version is the save's expected version). */
  doc: SpecDocRow
  draft: string
  onDraftChange: (draft: string) => void
  onSaved: (doc: SpecDocRow) => void
}

/** Markdown editing with a preview built as elements (never HTML), task checkboxes, version-checked save and history. */
export function SpecDocEditor({ doc, draft, onDraftChange, onSaved }: SpecDocEditorProps) {
  const services = useServices()
  const { api } = services
  const { members, names } = useMembers(services, doc.workspace_id)
  const [mode, setMode] = useState<Mode>('preview')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [conflict, setConflict] = useState<SpecSaveConflict | null>(null)
  const dirty = draft !== doc.content

  /** Saves against `base`'s version; it never rejects: a failure is shown above the editor. */
  async function save(base: SpecDocRow, content: string): Promise<void> {
    setSaving(true)
    setError(null)
    setNotice(null)
    try {
      const result = await api.saveSpecDoc(base, content)
      if ('mine' in result) {
        setConflict(result)
        return
      }
      setConflict(null)
      onSaved(result)
      setNotice(`Saved as version ${result.version}`)
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setSaving(false)
    }
  }

  /**
   * Someone saved a newer version: it replaces the one shown, or, under an unsaved draft, opens the
   * three-way merge (replacing the draft's base alone would let the next save drop their change).
   */
  async function loadLatest(): Promise<void> {
    try {
      const latest = (await api.listSpecDocs()).find((row) => row.id === doc.id)
      if (latest === undefined) return
      if (dirty) {
        setConflict({ kind: 'conflict', message: '', base: doc.content, mine: draft, theirs: latest })
        return
      }
      onDraftChange(latest.content)
      onSaved(latest)
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }

  const onToggleTask = (index: number) => {
    const next = toggleTask(draft, index)
    if (next !== null) onDraftChange(next)
  }

  return (
    <div class={styles.editor} data-spec-editor={doc.slug}>
      <div class={styles.toolbar}>
        <SegmentedControl
          value={mode}
          onValueChange={(value) => {
            const option = MODES.find((candidate) => candidate.value === value)
            if (option) setMode(option.value)
          }}
          options={[...MODES]}
        />
        <span class={styles.status} data-doc-version={doc.version}>
          {dirty ? 'Unsaved changes' : `Version ${doc.version}`}
        </span>
        {notice === null || dirty ? null : (
          <span class={styles.notice} role="status">
            {notice}
          </span>
        )}
        <span class={styles.spacer} />
        {dirty ? (
          <Button secondary onClick={() => onDraftChange(doc.content)} disabled={saving}>
            Discard
          </Button>
        ) : null}
        <Button onClick={() => void save(doc, draft)} disabled={!dirty || saving} loading={saving} data-save-doc>
          Save
        </Button>
      </div>
      <SpecReviewBar doc={doc} members={members} names={names} onLoadNewer={() => void loadLatest()} />
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {conflict === null ? null : (
        <SpecMergeConflict
          conflict={conflict}
          theirAuthor={(conflict.theirs.updated_by === null ? null : names.get(conflict.theirs.updated_by)) ?? 'someone else'}
          busy={saving}
          onSaveMerge={(merged) => {
            onDraftChange(merged)
            void save(conflict.theirs, merged)
          }}
          onEditMerge={(merged) => {
            onSaved(conflict.theirs)
            onDraftChange(merged)
            setConflict(null)
            setMode('write')
          }}
          onUseTheirs={() => {
            onSaved(conflict.theirs)
            onDraftChange(conflict.theirs.content)
            setConflict(null)
          }}
        />
      )}
      {mode === 'write' ? (
        <label class={styles.writeArea}>
          <span class={styles.hidden}>Markdown of {doc.title}</span>
          <textarea
            class={styles.textarea}
            value={draft}
            spellcheck={false}
            data-doc-textarea
            onInput={(event) => onDraftChange(event.currentTarget.value)}
            onKeyDown={(event) => {
              if ((event.metaKey || event.ctrlKey) && event.key === 's') {
                event.preventDefault()
                if (dirty && !saving) void save(doc, draft)
              }
            }}
          />
        </label>
      ) : null}
      {mode === 'preview' ? <MarkdownPreview source={draft} onToggleTask={onToggleTask} label={`Preview of ${doc.title}`} /> : null}
      {mode === 'comments' ? <SpecComments doc={doc} /> : null}
      {mode === 'history' ? (
        <SpecHistory
          doc={doc}
          names={names}
          onRestore={(content) => {
            onDraftChange(content)
            setMode('write')
          }}
        />
      ) : null}
    </div>
  )
}
