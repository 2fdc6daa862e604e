/**
 * Editing the current workspace's runbook templates: every save goes through ops.save_template,
 * which refuses anyone but an admin and a save based on a version that is no longer the latest
 * (the stale-version check); every save is an immutable revision anyone in the workspace can read.
 */
import type { CurrentWorkspace } from './current-workspace.ts'
import { postgrestError } from './errors.ts'
import type { OpsClient } from './supabase.ts'
import type { TemplateRevisionRow, TemplateRow } from '../../supabase/functions/_shared/database/index.ts'

export type { TemplateRevisionRow }

/** The most revisions of one template the history lists (newest first). */
const MAX_REVISIONS_LISTED = 200

/** What a save sends: the text, and what the template is called (from its parsed YAML). */
interface TemplateSave {
  slug: string
  yaml: string
  title: string
  description: string
  kind: string
  /** The version the edit started from; null for a new template. */
  expectedVersion: number | null
}

/** Someone saved first: the text not saved and the latest saved row, so both can be shown. */
export interface TemplateSaveConflict {
  kind: 'conflict'
  message: string
  mine: string
  theirs: TemplateRow
}

export interface TemplateEditing {
  /** A template's revisions, newest first. */
  listRevisions(slug: string): Promise<TemplateRevisionRow[]>
  /** The template as it is saved now (null when it does not exist or was deleted). */
  getTemplate(slug: string): Promise<TemplateRow | null>
  saveTemplate(save: TemplateSave): Promise<TemplateRow | TemplateSaveConflict>
}

export function createTemplateEditing(client: OpsClient, workspace: CurrentWorkspace): TemplateEditing {
  async function getTemplate(slug: string): Promise<TemplateRow | null> {
    const workspaceId = await workspace.id()
    const { data, error, status } = await client
      .from('run_templates')
      .select('*')
      .eq('workspace_id', workspaceId)
      .eq('slug', slug)
      .maybeSingle()
    if (error) throw postgrestError(`Could not load template "${slug}"`, error, status)
    return data
  }

  return {
    getTemplate,

    async listRevisions(slug) {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client
        .from('template_revisions')
        .select('*')
        .eq('workspace_id', workspaceId)
        .eq('slug', slug)
        .order('revision', { ascending: false })
        .limit(MAX_REVISIONS_LISTED)
      if (error) throw postgrestError(`Could not load the history of template "${slug}"`, error, status)
      return data
    },

    async saveTemplate(save) {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client.rpc('save_template', {
        p_workspace: workspaceId,
        p_slug: save.slug,
        p_template_yaml: save.yaml,
        // null: a new template; the server then refuses a slug that exists already (a conflict).
        p_expected_version: save.expectedVersion,
        p_title: save.title,
        p_description: save.description,
        p_kind: save.kind,
      })
      if (!error) return data
      if (error.code !== 'PT409') throw postgrestError(`Could not save template "${save.slug}"`, error, status)
      const theirs = await getTemplate(save.slug)
      if (theirs === null) throw postgrestError(`Could not save template "${save.slug}"`, error, status)
      return { kind: 'conflict', message: error.message, mine: save.yaml, theirs }
    },
  }
}
