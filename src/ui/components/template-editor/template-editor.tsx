import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { TemplateRevisionRow, TemplateSaveConflict as Conflict } from '../../../client/template-editing.ts'
import type { TemplateRow } from '../../../client/types.ts'
import { useServices } from '../../services/services-context.ts'
import type { FormValue } from '../../view-models/input-fields.ts'
import { runbookCard } from '../../view-models/runbook-card.ts'
import { checkDraft, draftEntry, offsetOf, slugFromTitle, slugProblem, type DraftError } from '../../view-models/template-draft.ts'
import { RunbookCard } from '../runbook-card/runbook-card.tsx'
import { TemplateHistory } from '../template-history/template-history.tsx'
import { TemplateProblems } from '../template-problems/template-problems.tsx'
import { TemplateSaveConflict } from '../template-save-conflict/template-save-conflict.tsx'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import { ROLE_LABELS, WORKSPACE_ROLES } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import type { Template } from '../../../../supabase/functions/_shared/runbook/index.ts'
import styles from './template-editor.css'

/** What a new template starts from: the smallest one the executor accepts. */
const NEW_TEMPLATE = `version: 1
kind: custom
title: New runbook
description: What this runbook does, in a sentence.
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
steps:
  - id: first-step
    title: First step
    kind: wait
    with: { duration: 1s }
`

const PROBLEMS_ID = 'template-problems'

export interface TemplateEditorProps {
  /** The template to open; null starts a new one. */
  slug: string | null
  /** Admins edit; everyone else reads the same page. */
  canEdit: boolean
  /** The caller's role, to say why the page is read-only. */
  role: string | null
  onClose: () => void
  /** After each save: the catalog lists the new revision, so the next run pins it. */
  onSaved: (row: TemplateRow) => void
}

/**
 * A template's YAML checked by the executor's parser as it is typed (problems at line and
 * column, a live preview of its card and plan), saved with the stale-version check, with its
 * history of who changed what; read-only for anyone but an admin.
 */
export function TemplateEditor({ slug, canEdit, role, onClose, onSaved }: TemplateEditorProps) {
  const { templates, governance } = useServices()
  const [saved, setSaved] = useState<TemplateRow | null>(null)
  const [loading, setLoading] = useState(slug !== null)
  const [draft, setDraft] = useState(slug === null ? NEW_TEMPLATE : '')
  const [newSlug, setNewSlug] = useState('')
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map())
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [entered, setEntered] = useState<Record<string, FormValue>>({})
  const [caret, setCaret] = useState({ line: 1, column: 1 })
  const [leaving, setLeaving] = useState(false)
  const textarea = useRef<HTMLTextAreaElement | null>(null)
  const lastGood = useRef<Template | null>(null)

  useEffect(() => {
    let stopped = false
    governance.memberNames().then(
      (map) => !stopped && setNames(map),
      () => {}, // names are a nicety: without them authors read "a former member"
    )
    if (slug !== null) {
      templates.getTemplate(slug).then(
        (row) => {
          if (stopped) return
          setLoading(false)
          if (row === null) setError(`Template "${slug}" no longer exists in this workspace.`)
          else {
            setSaved(row)
            setDraft(row.template_yaml)
          }
        },
        (caught: unknown) => {
          if (stopped) return
          setLoading(false)
          setError(errorMessage(caught))
        },
      )
    }
    return () => {
      stopped = true
    }
  }, [templates, governance, slug])

  const check = useMemo(() => checkDraft(draft), [draft])
  if (check.ok) lastGood.current = check.template
  const previewTemplate = check.ok ? check.template : lastGood.current
  const effectiveSlug = saved?.slug ?? (newSlug === '' && check.ok ? slugFromTitle(check.template.title) : newSlug)
  const slugIssue = saved === null ? slugProblem(effectiveSlug) : null
  const dirty = saved === null || draft !== saved.template_yaml
  const nameOf = (userId: string | null) => (userId === null ? 'the deployment' : (names.get(userId) ?? 'a former member'))

  /** Saves `text` over `expectedVersion`; it never rejects: a failure is shown above the editor. */
  async function save(expectedVersion: number | null, text: string): Promise<void> {
    const checked = checkDraft(text)
    if (!checked.ok) {
      setError(`Not saved: the template has ${checked.errors.length} problem(s); the first is ${checked.errors[0]?.text ?? ''}`)
      return
    }
    if (slugIssue !== null && saved === null) {
      setError(`Not saved: ${slugIssue}`)
      return
    }
    setSaving(true)
    setError(null)
    setNotice(null)
    try {
      const result = await templates.saveTemplate({
        slug: effectiveSlug,
        yaml: text,
        title: checked.template.title,
        description: checked.template.description ?? '',
        kind: checked.template.kind,
        expectedVersion,
      })
      // A row has a kind column too: a conflict is told apart by the text it keeps.
      if ('mine' in result) {
        setConflict(result)
        return
      }
      const row = result
      setConflict(null)
      setSaved(row)
      setDraft(row.template_yaml)
      setNotice(`Saved as version ${row.version}. New runs use it.`)
      onSaved(row)
    } catch (caught) {
      setError(`Not saved (your text is still here): ${errorMessage(caught)}`)
    } finally {
      setSaving(false)
    }
  }

  /** Where the caret is, as the problems count lines and columns. */
  const followCaret = (field: HTMLTextAreaElement) => {
    const before = field.value.slice(0, field.selectionStart)
    const lineStart = before.lastIndexOf('\n') + 1
    setCaret({ line: before.split('\n').length, column: before.length - lineStart + 1 })
  }

  const goTo = (problem: DraftError) => {
    const field = textarea.current
    if (field === null) return
    const offset = offsetOf(draft, problem.line, problem.column)
    field.focus()
    field.setSelectionRange(offset, offset)
    followCaret(field)
    // Scroll the line into view: the caret alone does not move a textarea's scroll position everywhere.
    const lineHeight = parseFloat(getComputedStyle(field).lineHeight) || 17
    field.scrollTop = Math.max(0, (problem.line - 3) * lineHeight)
  }

  const restore = (revision: TemplateRevisionRow) => {
    if (saved !== null) void save(saved.version, revision.template_yaml)
  }

  const heading = slug === null ? 'New template' : canEdit ? `Edit ${saved?.title ?? slug}` : (saved?.title ?? slug)
  const card =
    previewTemplate === null ? null : runbookCard(draftEntry(effectiveSlug || 'new-template', previewTemplate, saved), {}, entered)
  const roleName = roleLabel(role)?.toLowerCase() ?? 'not a member'

  return (
    <div class={styles.page} data-template-editor={slug ?? 'new'} data-read-only={!canEdit}>
      <div class={styles.toolbar}>
        <Button secondary onClick={() => (canEdit && dirty && draft !== '' ? setLeaving(true) : onClose())} data-close-editor>
          ← Templates
        </Button>
        <h2 class={styles.heading}>{heading}</h2>
        <span class={styles.status} data-template-version={saved?.version ?? 0}>
          {saved === null
            ? 'Not saved yet'
            : `Version ${saved.version}, saved by ${nameOf(saved.updated_by)} ${new Date(saved.updated_at).toLocaleString()}`}
          {canEdit && saved !== null && dirty ? ' · unsaved changes' : ''}
        </span>
        <span class={styles.spacer} />
        {canEdit && saved !== null && dirty ? (
          <Button secondary onClick={() => setDraft(saved.template_yaml)} disabled={saving} data-undo-changes>
            Undo changes
          </Button>
        ) : null}
        {canEdit ? (
          <Button
            onClick={() => void save(saved?.version ?? null, draft)}
            disabled={!dirty || saving || !check.ok || slugIssue !== null || conflict !== null}
            loading={saving}
            data-save-template
          >
            {saved === null ? 'Create template' : `Save as version ${saved.version + 1}`}
          </Button>
        ) : null}
      </div>
      {leaving ? (
        <div class={styles.leaving} role="alert" data-leave-editor>
          <span>Your changes are not saved: leaving drops them.</span>
          <Button secondary onClick={onClose} data-leave-unsaved>
            Leave without saving
          </Button>
          <Button
            onClick={() => {
              setLeaving(false)
              textarea.current?.focus()
            }}
            data-keep-editing
          >
            Keep editing
          </Button>
        </div>
      ) : null}
      {canEdit ? null : (
        <p class={styles.readOnly} data-read-only-note>
          Read only: editing templates needs the admin role in this workspace; you are{' '}
          {roleName === 'not a member' ? roleName : `a ${roleName}`}. The history below says who changed what and when.
        </p>
      )}
      {error === null ? null : (
        <p class={styles.error} role="alert" data-editor-error>
          {error}
        </p>
      )}
      {notice === null ? null : (
        <p class={styles.notice} role="status" data-editor-notice>
          {notice}
        </p>
      )}
      {conflict === null ? null : (
        <TemplateSaveConflict
          conflict={conflict}
          theirAuthor={nameOf(conflict.theirs.updated_by)}
          busy={saving}
          onKeepMine={() => void save(conflict.theirs.version, draft)}
          onUseTheirs={() => {
            setSaved(conflict.theirs)
            setDraft(conflict.theirs.template_yaml)
            setConflict(null)
          }}
        />
      )}
      {loading ? <p class={styles.status}>Loading the template…</p> : null}
      <div class={styles.columns}>
        <div class={styles.source}>
          {saved === null && canEdit ? (
            <label class={styles.slugField}>
              <span>Slug</span>
              <input
                class={styles.input}
                value={effectiveSlug}
                onInput={(event) => setNewSlug(event.currentTarget.value)}
                aria-invalid={slugIssue !== null}
                aria-describedby={slugIssue === null ? undefined : 'template-slug-problem'}
                data-template-slug
              />
            </label>
          ) : null}
          {slugIssue === null ? null : (
            <p id="template-slug-problem" class={styles.error}>
              {slugIssue}
            </p>
          )}
          <label class={styles.label} for="template-yaml">
            Template YAML{canEdit ? '' : ' (read only)'}
          </label>
          <textarea
            id="template-yaml"
            ref={textarea}
            class={styles.textarea}
            value={draft}
            readOnly={!canEdit}
            spellcheck={false}
            aria-invalid={!check.ok}
            aria-describedby={PROBLEMS_ID}
            data-template-textarea
            onInput={(event) => {
              setDraft(event.currentTarget.value)
              setNotice(null)
              followCaret(event.currentTarget)
            }}
            onKeyUp={(event) => followCaret(event.currentTarget)}
            onClick={(event) => followCaret(event.currentTarget)}
            onKeyDown={(event) => {
              if ((event.metaKey || event.ctrlKey) && event.key === 's') {
                event.preventDefault()
                if (canEdit && dirty && !saving && conflict === null) void save(saved?.version ?? null, draft)
              }
            }}
          />
          <span class={styles.caret} data-template-caret>
            Line {caret.line}, column {caret.column}
          </span>
          <TemplateProblems id={PROBLEMS_ID} errors={check.ok ? [] : check.errors} onGoTo={goTo} />
        </div>
        <section class={styles.preview} aria-labelledby="template-preview-title" data-template-preview>
          <h3 class={styles.previewTitle} id="template-preview-title">
            Preview{check.ok ? '' : ' (the last version that parsed)'}
          </h3>
          {card === null ? (
            <p class={styles.status}>The preview appears once the template parses.</p>
          ) : (
            <RunbookCard
              card={{ ...card, canRun: false }}
              inputsMode="form"
              idPrefix="template-preview"
              dryRun={false}
              starting={false}
              error={null}
              onFieldChange={(key, value) => setEntered((current) => ({ ...current, [key]: value }))}
              actions={<span class={styles.status}>Save to run it</span>}
            />
          )}
        </section>
      </div>
      {saved === null ? null : (
        <TemplateHistory
          slug={saved.slug}
          version={saved.version}
          names={names}
          busy={saving || dirty}
          {...(canEdit ? { onRestore: restore } : {})}
        />
      )}
      {canEdit && saved !== null && dirty ? <p class={styles.status}>Save or undo your changes to restore an earlier version.</p> : null}
    </div>
  )
}

/** How a role is named, or null for one the vocabulary does not know (not a member). */
function roleLabel(role: string | null): string | null {
  const known = WORKSPACE_ROLES.find((candidate) => candidate === role)
  return known === undefined ? null : ROLE_LABELS[known]
}
