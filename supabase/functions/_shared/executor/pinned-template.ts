/**
 * The template a run executes: the revision pinned when the run was started
 * (runs.template_revision_id), never whatever the template says now. The executor trusts nothing
 * it reads, so the revision must be the run's workspace's and its text must hash to what both
 * the revision and the run recorded.
 */
import type { RunRow } from '../database/index.ts'
import type { RunStore } from './store.ts'

/** A run cannot be executed as stored; the message says why. */
export class ValidationError extends Error {
  override name = 'ValidationError'
}

/** sha256 of the UTF-8 text, as lowercase hex (the database's encode(sha256(convert_to(…)), 'hex')). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

export interface PinnedTemplate {
  slug: string
  revision: number
  yaml: string
  /** "template deploy-web revision 3", as messages name it. */
  label: string
}

export async function pinnedTemplate(run: RunRow, store: RunStore): Promise<PinnedTemplate> {
  if (!run.template_revision_id) {
    throw new ValidationError('the run pins no template revision: start it again from a saved template')
  }
  const revision = await store.templateRevision(run.template_revision_id)
  if (!revision) throw new ValidationError(`the run's template revision ${run.template_revision_id} does not exist`)
  const label = `template ${revision.slug} revision ${revision.revision}`
  if (revision.workspace_id !== run.workspace_id) {
    throw new ValidationError(`${label} belongs to another workspace than the run`)
  }
  const hash = await sha256Hex(revision.template_yaml)
  if (hash !== revision.hash) {
    throw new ValidationError(`${label} was altered after it was saved: its text no longer matches its recorded hash`)
  }
  if (hash !== run.template_hash) {
    throw new ValidationError(`${label} is not the text this run was started with: its hash differs from the run's template_hash`)
  }
  return { slug: revision.slug, revision: revision.revision, yaml: revision.template_yaml, label }
}
