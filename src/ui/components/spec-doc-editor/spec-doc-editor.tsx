import { Button, SegmentedControl } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { SpecDocRow, SpecSaveConflict } from '../../../client/types.ts'
import { useServices } from '../../services/services-context.ts'
import { toggleTask } from '../../view-models/task-checkboxes.ts'
import { MarkdownPreview } from '../markdown-preview/markdown-preview.tsx'
import { RevisionHistory } from '../revision-history/revision-history.tsx'
import { SaveConflict } from '../save-conflict/save-conflict.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import styles from './spec-doc-editor.css'

const MODES = [
  { value: 'write', children: 'Write' },
  { value: 'preview', children: 'Preview' },
  { value: 'history', children: 'History' },
] as const

type Mode = (typeof MODES)[number]['value']

export interface SpecDocEditorProps {
  /** The saved document the draft is based on (its version is the save's expected version). */
  doc: SpecDocRow
  draft: string
  onDraftChange: (draft: string) => void
  onSaved: (doc: SpecDocRow) => void
}

/** Markdown editing with a sanitised preview, task checkboxes, version-checked save and history. */
export function SpecDocEditor({ doc, draft, onDraftChange, onSaved }: SpecDocEditorProps) {
  const { api } = useServices()
  const [mode, setMode] = useState<Mode>('preview')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [conflict, setConflict] = useState<{ conflict: SpecSaveConflict; resolution: 'open' | 'theirs' } | null>(null)
  const dirty = draft !== doc.content

  /** Saves against `base`'s version; it never rejects: a failure is shown above the editor. */
  async function save(base: SpecDocRow, content: string): Promise<void> {
    setSaving(true)
    setError(null)
    setNotice(null)
    try {
      const result = await api.saveSpecDoc(base, content)
      if ('mine' in result) {
        setConflict({ conflict: result, resolution: 'open' })
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
      {error === null ? null : (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
      {conflict === null ? null : (
        <SaveConflict
          conflict={conflict.conflict}
          resolution={conflict.resolution}
          busy={saving}
          onKeepMine={() => void save(conflict.conflict.theirs, draft) /* mine, with anything typed since */}
          onUseTheirs={() => {
            onSaved(conflict.conflict.theirs)
            onDraftChange(conflict.conflict.theirs.content)
            setConflict({ ...conflict, resolution: 'theirs' })
          }}
          onDismiss={() => setConflict(null)}
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
      {mode === 'history' ? (
        <RevisionHistory
          docId={doc.id}
          version={doc.version}
          onRestore={(content) => {
            onDraftChange(content)
            setMode('write')
          }}
        />
      ) : null}
    </div>
  )
}
