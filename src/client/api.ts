/**
 * The ops schema through supabase-js: the calls the plugin UI makes. Row-level security decides
 * what each call may do; every failure is an OpsApiError whose message says what failed.
 * Lists read the current workspace (current-workspace.ts) and new runs land in it.
 */
import type { PostgrestSingleResponse } from '@supabase/supabase-js'
import type { OpsClient } from './supabase.ts'
import { personalWorkspace, type CurrentWorkspace } from './current-workspace.ts'
import { functionError, OpsApiError, postgrestError } from './errors.ts'
import type { NewRun, OpsApi, RunFilters, RunRow, SpecDocRow, SpecSaveConflict, StartRunOptions } from './types.ts'

/** The most rows one REST read returns on Supabase by default ([api] max_rows). */
export const MAX_PAGE = 1000

/** Why a queued run waits for the drain when its executor could not be invoked. */
const STAYS_QUEUED = 'it stays queued and the scheduled drain will pick it up'

export function createOpsApi(client: OpsClient, workspace: CurrentWorkspace = personalWorkspace(client)): OpsApi {
  /** `what` says what happened to the run before its executor could not be invoked. */
  async function invokeExecutor(run: RunRow, what: string): Promise<void> {
    const response = await client.functions.invoke('ops-executor', { body: { run_id: run.id } })
    // functions-js types a failure's error as any: it is read as unknown and described by functionError.
    const error: unknown = response.error
    if (error) throw await functionError(`${what} but its executor could not be started (${STAYS_QUEUED})`, error, run)
  }

  async function startRun(run: NewRun, options: StartRunOptions = {}): Promise<RunRow> {
    const workspaceId = run.workspaceId ?? (await workspace.id())
    const { data, error, status } = await client
      .from('runs')
      .insert({
        workspace_id: workspaceId,
        template_slug: run.templateSlug,
        template_revision_id: run.templateRevisionId,
        kind: run.kind,
        env: run.env,
        title: run.title,
        intent: run.intent ?? null,
        inputs: run.inputs,
        // Write-only: the database keeps them where members cannot read them, and stores null here.
        ...(run.secretInputs && Object.keys(run.secretInputs).length > 0 ? { secret_inputs: run.secretInputs } : {}),
        dry_run: run.dryRun ?? false,
      })
      .select('*')
      .single()
    if (error) throw postgrestError(`Could not start "${run.title}"`, error, status)
    await options.onCreated?.(data)
    await invokeExecutor(data, `Run "${run.title}" was created`)
    return data
  }

  /** The value of a supabase-js response, or an OpsApiError that says `what` failed. */
  function valueOf<T>(what: string, { data, error, status }: PostgrestSingleResponse<T>): T {
    if (error) throw postgrestError(what, error, status)
    return data
  }

  return {
    currentWorkspaceId: () => workspace.id(),

    async listTemplates() {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client.from('run_templates').select('*').eq('workspace_id', workspaceId).order('title')
      if (error) throw postgrestError('Could not load the runbook templates', error, status)
      return data
    },

    async listRuns(filters: RunFilters = {}) {
      const workspaceId = await workspace.id()
      let query = client.from('runs').select('*').eq('workspace_id', workspaceId)
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

    async rerun(previous, options) {
      const deleted = new OpsApiError(`Cannot run "${previous.title}" again: its template was deleted`)
      if (!previous.template_slug) throw deleted
      // A re-run is a new start: it runs the template as its list shows it now (the current
      // revision of the row a card would be made from), not the revision the earlier run pinned.
      const {
        data: template,
        error,
        status,
      } = await client
        .from('run_templates')
        .select('*')
        .eq('workspace_id', previous.workspace_id)
        .eq('slug', previous.template_slug)
        .maybeSingle()
      if (error) throw postgrestError(`Could not run "${previous.title}" again`, error, status)
      if (template === null) throw deleted
      return startRun(
        {
          templateSlug: template.slug,
          templateRevisionId: template.revision_id,
          workspaceId: previous.workspace_id,
          kind: previous.kind,
          env: previous.env,
          title: previous.title,
          intent: previous.intent ?? undefined,
          inputs: previous.inputs,
          dryRun: previous.dry_run,
        },
        options,
      )
    },

    async cancelRun(runId) {
      return valueOf(`Could not cancel run ${runId}`, await client.rpc('request_cancel', { p_run_id: runId }))
    },

    async decideApproval(runId, approve, comment) {
      const decision = approve ? 'approve' : 'reject'
      const { data, error, status } = await client.rpc('decide_approval', {
        p_run_id: runId,
        p_approve: approve,
        ...(comment === undefined ? {} : { p_comment: comment }),
      })
      if (error) {
        // Refused (not an approver here, the starter under self-review, decided already): the server says why.
        const what = error.code === '42501' ? `You may not ${decision} this run` : `Could not ${decision} run ${runId}`
        throw postgrestError(what, error, status)
      }
      // The last approval requeues the run: it goes on now rather than at the next drain.
      if (data.status === 'queued') await invokeExecutor(data, `Run "${data.title}" was approved`)
      return data
    },

    async boardFacts(run) {
      const [workspaceRow, member] = await Promise.all([
        client.from('workspaces').select('board_details').eq('id', run.workspace_id).maybeSingle(),
        client
          .from('workspace_members')
          .select('display_name')
          .eq('workspace_id', run.workspace_id)
          .eq('user_id', run.created_by)
          .maybeSingle(),
      ])
      if (workspaceRow.error)
        throw postgrestError(`Could not read the board setting of run ${run.id}’s workspace`, workspaceRow.error, workspaceRow.status)
      if (member.error) throw postgrestError(`Could not read who started run ${run.id}`, member.error, member.status)
      return {
        workspaceId: run.workspace_id,
        boardDetails: workspaceRow.data?.board_details === true,
        startedBy: member.data?.display_name ?? null,
      }
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
      const workspaceId = await workspace.id()
      const { data, error, status } = await client.from('spec_docs').select('*').eq('workspace_id', workspaceId).order('slug')
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
      const latest = await client.from('spec_docs').select('*').eq('workspace_id', doc.workspace_id).eq('slug', doc.slug).single()
      if (latest.error)
        throw postgrestError(`${doc.title} changed meanwhile, and its latest version could not be loaded`, latest.error, latest.status)
      return { kind: 'conflict', message: error.message, base: doc.content, mine: content, theirs: latest.data }
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
