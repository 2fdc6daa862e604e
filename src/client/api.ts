/**
 * The ops schema through supabase-js: the calls the plugin UI makes. Row-level security decides
 * what each call may do; every failure is an OpsApiError whose message says what failed.
 */
import type { PostgrestSingleResponse } from '@supabase/supabase-js'
import type { OpsClient } from './supabase.ts'
import { functionError, OpsApiError, postgrestError } from './errors.ts'
import type { NewRun, OpsApi, RunFilters, RunRow, SpecDocRow, SpecSaveConflict, StartRunOptions } from './types.ts'

/** The most rows one REST read returns on Supabase by default ([api] max_rows). */
export const MAX_PAGE = 1000

export function createOpsApi(client: OpsClient): OpsApi {
  async function invokeExecutor(run: RunRow): Promise<void> {
    const response = await client.functions.invoke('ops-executor', { body: { run_id: run.id } })
    // functions-js types a failure's error as any: it is read as unknown and described by functionError.
    const error: unknown = response.error
    if (error) {
      throw await functionError(
        `Run "${run.title}" was created but its executor could not be started (it stays queued and the scheduled drain will pick it up)`,
        error,
        run,
      )
    }
  }

  async function startRun(run: NewRun, options: StartRunOptions = {}): Promise<RunRow> {
    const { data, error, status } = await client
      .from('runs')
      .insert({
        template_slug: run.templateSlug,
        kind: run.kind,
        env: run.env,
        title: run.title,
        intent: run.intent ?? null,
        inputs: run.inputs,
        dry_run: run.dryRun ?? false,
      })
      .select('*')
      .single()
    if (error) throw postgrestError(`Could not start "${run.title}"`, error, status)
    await options.onCreated?.(data)
    await invokeExecutor(data)
    return data
  }

  /** The value of a supabase-js response, or an OpsApiError that says `what` failed. */
  function valueOf<T>(what: string, { data, error, status }: PostgrestSingleResponse<T>): T {
    if (error) throw postgrestError(what, error, status)
    return data
  }

  return {
    async listTemplates() {
      const { data, error, status } = await client.from('run_templates').select('*').order('title')
      if (error) throw postgrestError('Could not load the runbook templates', error, status)
      return data
    },

    async listRuns(filters: RunFilters = {}) {
      let query = client.from('runs').select('*')
      if (filters.status?.length) query = query.in('status', filters.status)
      if (filters.env) query = query.eq('env', filters.env)
      if (filters.templateSlug) query = query.eq('template_slug', filters.templateSlug)
      const { data, error, status } = await query
        .order('created_at', { ascending: false })
        .limit(Math.min(Math.max(filters.limit ?? 50, 1), MAX_PAGE))
      if (error) throw postgrestError('Could not load your runs', error, status)
      return data
    },

    async getRun(runId) {
      const { data, error, status } = await client.from('runs').select('*').eq('id', runId).maybeSingle()
      if (error) throw postgrestError(`Could not load run ${runId}`, error, status)
      return data
    },

    startRun,

    async rerun(previous) {
      if (!previous.template_slug) {
        throw new OpsApiError(`Cannot run "${previous.title}" again: its template was deleted`)
      }
      return startRun({
        templateSlug: previous.template_slug,
        kind: previous.kind,
        env: previous.env,
        title: previous.title,
        intent: previous.intent ?? undefined,
        inputs: previous.inputs,
        dryRun: previous.dry_run,
      })
    },

    async cancelRun(runId) {
      return valueOf(`Could not cancel run ${runId}`, await client.rpc('request_cancel', { p_run_id: runId }))
    },

    async decideApproval(runId, approve, comment) {
      return valueOf(
        `Could not ${approve ? 'approve' : 'reject'} run ${runId}`,
        await client.rpc('decide_approval', {
          p_run_id: runId,
          p_approve: approve,
          ...(comment === undefined ? {} : { p_comment: comment }),
        }),
      )
    },

    async listArtifacts(runId) {
      const { data, error, status } = await client.from('artifacts').select('*').eq('run_id', runId).order('created_at').order('id')
      if (error) throw postgrestError(`Could not load the artifacts of run ${runId}`, error, status)
      return data
    },

    async fetchEvents(runId, range) {
      const limit = Math.min(Math.max(range.limit ?? MAX_PAGE, 1), MAX_PAGE)
      let query = client.from('run_events').select('*').eq('run_id', runId)
      if (range.after !== undefined) query = query.gt('seq', range.after)
      if (range.before !== undefined) query = query.lt('seq', range.before)
      const ascending = range.after !== undefined
      const { data, error, status } = await query.order('seq', { ascending }).limit(limit)
      if (error) throw postgrestError(`Could not load the log of run ${runId}`, error, status)
      return data
    },

    async listSpecDocs() {
      const { data, error, status } = await client.from('spec_docs').select('*').order('slug')
      if (error) throw postgrestError('Could not load the Spec Kit documents', error, status)
      return data
    },

    async saveSpecDoc(doc, content): Promise<SpecDocRow | SpecSaveConflict> {
      const { data, error, status } = await client.rpc('save_spec_doc', {
        p_workspace: doc.workspace_id,
        p_slug: doc.slug,
        p_content: content,
        p_expected_version: doc.version,
      })
      if (!error) return data
      if (error.code !== 'PT409') throw postgrestError(`Could not save ${doc.title}`, error, status)
      const latest = await client.from('spec_docs').select('*').eq('slug', doc.slug).single()
      if (latest.error)
        throw postgrestError(`${doc.title} changed meanwhile, and its latest version could not be loaded`, latest.error, latest.status)
      return { kind: 'conflict', message: error.message, mine: content, theirs: latest.data }
    },

    async listRevisions(docId) {
      const { data, error, status } = await client
        .from('spec_doc_revisions')
        .select('*')
        .eq('doc_id', docId)
        .order('version', { ascending: false })
      if (error) throw postgrestError('Could not load the document’s history', error, status)
      return data
    },
  }
}
