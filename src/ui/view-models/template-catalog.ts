/** Template rows parsed once: the intent parser and the cards need the validated template. */
import { formatTemplateError, parseTemplate, type Template } from '../../../supabase/functions/_shared/runbook/index.ts'
import type { TemplateRow } from '../../client/types.ts'

export interface CatalogEntry {
  slug: string
  row: TemplateRow
  /** null when the stored YAML does not validate; `problem` says why. */
  template: Template | null
  problem: string | null
}

export function templateCatalog(rows: readonly TemplateRow[]): CatalogEntry[] {
  return rows.map((row) => {
    const parsed = parseTemplate(row.template_yaml)
    if (parsed.ok) return { slug: row.slug, row, template: parsed.template, problem: null }
    return { slug: row.slug, row, template: null, problem: parsed.errors.map((error) => formatTemplateError(error)).join('\n') }
  })
}

export type RunnableEntry = CatalogEntry & { template: Template }

export function isRunnable(entry: CatalogEntry): entry is RunnableEntry {
  return entry.template !== null
}
