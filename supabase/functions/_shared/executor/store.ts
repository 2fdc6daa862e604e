/**
 * The executor's only way to the database: the SQL functions of the ops migration, called by RPC
 * with the service role through supabase-js, exactly as on hosted Supabase. Transient failures
 * are retried with jittered backoff; every call that may be retried is idempotent on the server
 * (batch ids, artifact keys, step results keyed by step), and a lost lease becomes LeaseLostError.
 */
import type { PostgrestSingleResponse, SupabaseClient } from '@supabase/supabase-js'
import type { ArtifactInput, Database, EventInput, FinishStatus, RunRow, StepResult } from '../database/index.ts'
import type { Plan } from '../runbook/index.ts'
import { backoffMs, isTransient, LeaseLostError, sleep, StoreError } from './errors.ts'
import type { EnvironmentRule } from './environment-gate.ts'
import type { SecretBinding } from './secrets.ts'

/** The part of a supabase-js client (schema `ops`, service role) the executor uses. */
export type OpsClient = Pick<SupabaseClient<Database, 'ops'>, 'rpc' | 'from'>

export interface StoreOptions {
  leaseSeconds?: number
  /** Attempts for a transient failure before giving up. */
  attempts?: number
}

export class RunStore {
  readonly leaseSeconds: number
  private readonly attempts: number

  constructor(
    private readonly client: OpsClient,
    readonly workerId: string,
    options: StoreOptions = {},
  ) {
    this.leaseSeconds = options.leaseSeconds ?? 30
    this.attempts = options.attempts ?? 6
  }

  /** Sends `request` (one call of the SQL function `fn`) until it succeeds or fails for good. */
  private async call<T>(fn: string, request: () => PromiseLike<PostgrestSingleResponse<T>>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { data, error, status } = await request()
      if (!error) return data
      if (error.code === 'PT409' && /does not hold the lease/.test(error.message)) throw new LeaseLostError(error.message)
      if (isTransient(status, error) && attempt + 1 < this.attempts) {
        await sleep(backoffMs(attempt))
        continue
      }
      throw new StoreError(`ops.${fn} failed: ${error.message}${error.hint ? ` (${error.hint})` : ''}`, error.code, status)
    }
  }

  async claim(runId?: string): Promise<RunRow | null> {
    const rows = await this.call('claim_run', () =>
      this.client.rpc('claim_run', { p_worker: this.workerId, p_run_id: runId, p_lease_seconds: this.leaseSeconds }),
    )
    return rows[0] ?? null
  }

  /** Why `claim(runId)` found nothing, in a sentence; null when the run has become claimable since. */
  whyNotClaimable(runId: string): Promise<string | null> {
    return this.call('why_not_claimable', () => this.client.rpc('why_not_claimable', { p_run_id: runId }))
  }

  async heartbeat(runId: string): Promise<{ cancelRequested: boolean }> {
    const rows = await this.call('heartbeat_run', () =>
      this.client.rpc('heartbeat_run', { p_run_id: runId, p_worker: this.workerId, p_lease_seconds: this.leaseSeconds }),
    )
    return { cancelRequested: rows[0]?.cancel_requested ?? false }
  }

  append(runId: string, events: EventInput[], batchId: string): Promise<number> {
    return this.call('append_run_events', () =>
      this.client.rpc('append_run_events', { p_run_id: runId, p_worker: this.workerId, p_events: events, p_batch_id: batchId }),
    )
  }

  setPlan(runId: string, plan: Plan): Promise<RunRow> {
    return this.call('set_run_plan', () => this.client.rpc('set_run_plan', { p_run_id: runId, p_worker: this.workerId, p_plan: plan }))
  }

  recordStep(runId: string, stepId: string, result: StepResult): Promise<RunRow> {
    return this.call('record_step', () =>
      this.client.rpc('record_step', { p_run_id: runId, p_worker: this.workerId, p_step_id: stepId, p_result: result }),
    )
  }

  addArtifact(runId: string, artifact: ArtifactInput): Promise<unknown> {
    return this.call('add_run_artifact', () =>
      this.client.rpc('add_run_artifact', { p_run_id: runId, p_worker: this.workerId, p_artifact: artifact }),
    )
  }

  release(runId: string): Promise<RunRow> {
    return this.call('release_run', () => this.client.rpc('release_run', { p_run_id: runId, p_worker: this.workerId }))
  }

  awaitApproval(runId: string, stepId: string): Promise<RunRow> {
    return this.call('await_approval', () =>
      this.client.rpc('await_approval', { p_run_id: runId, p_worker: this.workerId, p_step_id: stepId }),
    )
  }

  finish(runId: string, status: FinishStatus, summary: string, error?: string): Promise<RunRow> {
    return this.call('finish_run', () =>
      this.client.rpc('finish_run', { p_run_id: runId, p_worker: this.workerId, p_status: status, p_summary: summary, p_error: error }),
    )
  }

  /** Reads one row of `table` (by `request`), retrying transient failures. */
  private async read<T>(table: string, request: () => PromiseLike<PostgrestSingleResponse<T>>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { data, error, status } = await request()
      if (!error) return data
      if (isTransient(status, error) && attempt + 1 < this.attempts) {
        await sleep(backoffMs(attempt))
        continue
      }
      throw new StoreError(`reading ops.${table} failed: ${error.message}`, error.code, status)
    }
  }

  /** A saved revision of a template, by id (revisions are immutable). */
  templateRevision(id: string) {
    return this.read('template_revisions', () =>
      this.client.from('template_revisions').select('id, workspace_id, slug, revision, template_yaml, hash').eq('id', id).maybeSingle(),
    )
  }

  /** The protection rule of one environment of a workspace; null when it has none (unprotected). */
  environment(workspaceId: string, name: string): Promise<EnvironmentRule | null> {
    return this.read('environments', () =>
      this.client
        .from('environments')
        .select('name, protected, required_approvals, prevent_self_review, approver_role')
        .eq('workspace_id', workspaceId)
        .eq('name', name)
        .maybeSingle(),
    )
  }

  /** The workspace's bindings of the given secret names (names and hosts; never values). */
  secretBindings(workspaceId: string, names: readonly string[]): Promise<SecretBinding[]> {
    if (names.length === 0) return Promise.resolve([])
    return this.read('secret_bindings', () =>
      this.client
        .from('secret_bindings')
        .select('name, hosts, environments')
        .eq('workspace_id', workspaceId)
        .in('name', [...names]),
    )
  }

  /** A spec doc of the run's workspace (slugs are unique per workspace only). */
  specDoc(workspaceId: string, slug: string) {
    return this.read('spec_docs', () =>
      this.client.from('spec_docs').select('slug, title, content, version').eq('workspace_id', workspaceId).eq('slug', slug).maybeSingle(),
    )
  }
}
