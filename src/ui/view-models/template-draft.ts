/**
 * A template being edited, checked as it is typed with the executor's own parser: what is wrong
 * at which line and column, or the parsed template a preview card is made from.
 */
import { formatTemplateError, parseTemplate, type Template } from '../../../supabase/functions/_shared/runbook/index.ts'
import type { TemplateRow } from '../../client/types.ts'
import type { RunnableEntry } from './template-catalog.ts'

export interface DraftError {
  line: number
  column: number
  /** The whole message as the executor would say it, with line and column. */
  text: string
}

export type DraftCheck = { ok: true; template: Template } | { ok: false; errors: DraftError[] }

export function checkDraft(yaml: string): DraftCheck {
  const parsed = parseTemplate(yaml)
  if (parsed.ok) return { ok: true, template: parsed.template }
  return {
    ok: false,
    errors: parsed.errors.map((error) => ({ line: error.line, column: error.column, text: formatTemplateError(error) })),
  }
}

/** The rule of ops.run_templates' slug column, said before the server has to. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

/** Why a new template's slug cannot be used, or null. */
export function slugProblem(slug: string): string | null {
  if (slug === '') return 'Give the template a slug (like deploy-api): runs and cards name it by that.'
  if (!SLUG.test(slug))
    return `"${slug}" cannot be a slug: use lowercase letters, digits and dashes, starting with a letter or digit, at most 63.`
  return null
}

/** A slug proposed from a title: "Deploy API (v2)" → "deploy-api-v2". */
export function slugFromTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
}

/** The offset in `text` of a 1-based line and column (clamped to the text), to put the caret there. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset)
    if (next === -1) return text.length
    offset = next + 1
  }
  const end = text.indexOf('\n', offset)
  const lineEnd = end === -1 ? text.length : end
  return Math.min(offset + Math.max(column - 1, 0), lineEnd)
}

/**
 * A catalog entry for the preview card: the parsed draft over the saved row it edits (or an
 * unsaved one). It never runs: the preview shows what the saved template would look like.
 */
export function draftEntry(slug: string, template: Template, saved: TemplateRow | null): RunnableEntry {
  const row: TemplateRow = saved ?? {
    id: '',
    workspace_id: '',
    slug,
    title: template.title,
    description: template.description ?? '',
    kind: template.kind,
    template_yaml: '',
    version: 0,
    revision_id: null,
    created_at: '',
    updated_at: '',
    updated_by: null,
  }
  return { slug, row, template, problem: null }
}
