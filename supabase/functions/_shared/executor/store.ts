/**
 * The executor's only way to the database: the SQL functions of the ops migration, called by RPC
 * with the service role through supabase-js, exactly as on hosted Supabase. Transient failures
 * are retried with jittered backoff; every call that may be retried is idempotent on the server
 * (batch ids, artifact keys, step results keyed by step), and a lost lease becomes LeaseLostError.
 *
 * Every write of a run passes its masker (set with useMasker once the run's secrets are known):
 * events, plan, step results, artifacts, summary and error hold no secret in any form.
 */
import type { PostgrestSingleResponse, SupabaseClient } from '@supabase/supabase-js'
import type { ArtifactInput, Database, EventInput, FinishStatus, RunRow, SpecProposalInput, StepResult } from '../database/index.ts'
import { maskDeep, type Mask, type Plan } from '../runbook/index.ts'
import { backoffMs, isTransient, LeaseLostError, sleep, StoreError } from './errors.ts'
import type { EnvironmentRule } from './environment-gate.ts'
import { lineBytes } from './log-bytes.ts'
import type { SecretBinding } from './secrets.ts'
import { maskedArtifact, maskedEvent, preparedLine, type PreparedLine } from './masked-writes.ts'

const unmasked: Mask = (text) => text

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
  /** Requests sent to the database so far (retries included): the invocation's budget counts them. */
  calls = 0
  /**
   * Each run's masker, by run id. Kept for the store's life (one invocation, a few runs): a write
   * still buffered when a run's work stops is masked like every other.
   */
  private readonly maskers = new Map<string, Mask>()
  /** Lines prepareEvent made, with the masker it used: append masks them again only if the run's masker changed since. */
  private readonly prepared = new WeakMap<EventInput, Mask>()

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
      this.calls++
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

  /**
   * Deletes one batch of the events of runs that finished more than `days` days ago (retention);
   * says how many went, how many runs lost their whole log, and whether more are due.
   */
  async deleteOldEvents(days: number, limit: number): Promise<{ deleted: number; emptiedRuns: number; more: boolean }> {
    const rows = await this.call('delete_old_run_events', () =>
      this.client.rpc('delete_old_run_events', { p_older_than: `${days} days`, p_limit: limit }),
    )
    const row = rows[0]
    return { deleted: row?.deleted_events ?? 0, emptiedRuns: row?.emptied_runs ?? 0, more: row?.more ?? false }
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

  /** From now on every write for `runId` is masked with `mask` (the run's secrets and secret inputs). */
  useMasker(runId: string, mask: Mask): void {
    this.maskers.set(runId, mask)
  }

  /** The masker of `runId`; texts pass unchanged until one is set. */
  maskerOf(runId: string): Mask {
    return this.maskers.get(runId) ?? unmasked
  }

  /** A line as the store keeps it (masked with the run's masker, then cut to size), and its size in bytes. */
  prepareEvent(runId: string, event: EventInput): PreparedLine {
    const mask = this.maskerOf(runId)
    const prepared = preparedLine(event, mask)
    this.prepared.set(prepared.event, mask)
    return prepared
  }

  /**
   * Lines ready to send: one that prepareEvent made with the run's current masker is kept as it
   * is, so it is not masked twice; one made before the run's secrets were known is masked again.
   */
  private maskedLines(runId: string, events: EventInput[]): EventInput[] {
    const mask = this.maskerOf(runId)
    return events.map((event) => (this.prepared.get(event) === mask ? event : maskedEvent(event, mask)))
  }

  /** Appends log lines, each masked and then cut to size (see masked-writes.ts). */
  append(runId: string, events: EventInput[], batchId: string): Promise<number> {
    const masked = this.maskedLines(runId, events)
    return this.call('append_run_events', () =>
      this.client.rpc('append_run_events', { p_run_id: runId, p_worker: this.workerId, p_events: masked, p_batch_id: batchId }),
    )
  }

  setPlan(runId: string, plan: Plan): Promise<RunRow> {
    const masked = maskDeep(plan, this.maskerOf(runId))
    return this.call('set_run_plan', () => this.client.rpc('set_run_plan', { p_run_id: runId, p_worker: this.workerId, p_plan: masked }))
  }

  /**
   * Records a step's result (masked) together with the log lines written since the last call
   * (masked like append's) and extends the lease, in one call: a step costs two calls, and no
   * heartbeat is needed while steps are recorded. Answers only the log's last seq and whether a
   * cancel was requested, never the run row (its plan may be megabytes).
   */
  async recordStep(
    runId: string,
    stepId: string,
    result: StepResult,
    events: EventInput[] = [],
    batchId?: string,
  ): Promise<{ lastSeq: number; cancelRequested: boolean }> {
    const masked = maskDeep(result, this.maskerOf(runId))
    const lines = this.maskedLines(runId, events)
    const rows = await this.call('record_step_with_events', () =>
      this.client.rpc('record_step_with_events', {
        p_run_id: runId,
        p_worker: this.workerId,
        p_step_id: stepId,
        p_result: masked,
        p_events: lines,
        p_batch_id: batchId,
        p_lease_seconds: this.leaseSeconds,
      }),
    )
    const row = rows[0]
    if (!row) throw new StoreError(`ops.record_step_with_events answered no row for run ${runId}`, undefined, 200)
    return { lastSeq: row.last_seq, cancelRequested: row.cancel_requested }
  }

  /** Adds an artifact, masked; false when it is not kept (a link whose URL holds a secret). */
  async addArtifact(runId: string, artifact: ArtifactInput): Promise<boolean> {
    const masked = maskedArtifact(artifact, this.maskerOf(runId))
    if (masked === null) return false
    await this.call('add_run_artifact', () =>
      this.client.rpc('add_run_artifact', { p_run_id: runId, p_worker: this.workerId, p_artifact: masked }),
    )
    return true
  }

  /**
   * Records a spec step's proposal, masked like an artifact, so members can apply or dismiss it in
   * the Spec Kit; answers its id. A retried call answers the proposal the first one recorded.
   */
  async addSpecProposal(runId: string, proposal: SpecProposalInput): Promise<string> {
    const masked = maskDeep(proposal, this.maskerOf(runId))
    const row = await this.call('add_spec_proposal', () =>
      this.client.rpc('add_spec_proposal', { p_run_id: runId, p_worker: this.workerId, p_proposal: masked }),
    )
    return row.id
  }

  /** Erases input keys from the run's stored inputs (secret-typed inputs sent where members read them). */
  eraseInputs(runId: string, keys: readonly string[]): Promise<RunRow> {
    return this.call('erase_run_inputs', () =>
      this.client.rpc('erase_run_inputs', { p_run_id: runId, p_worker: this.workerId, p_keys: [...keys] }),
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
    const mask = this.maskerOf(runId)
    return this.call('finish_run', () =>
      this.client.rpc('finish_run', {
        p_run_id: runId,
        p_worker: this.workerId,
        p_status: status,
        p_summary: mask(summary),
        p_error: error === undefined ? undefined : mask(error),
      }),
    )
  }

  /** Reads one row of `table` (by `request`), retrying transient failures. */
  private async read<T>(table: string, request: () => PromiseLike<PostgrestSingleResponse<T>>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.calls++
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

  /** The bytes (message plus data as JSON) of a run's log lines after seq `afterSeq`, read a page at a time. */
  async eventBytesAfter(runId: string, afterSeq: number): Promise<number> {
    let bytes = 0
    // Paged by seq, so a server that returns fewer rows than asked (its max_rows) loses none.
    for (let last = afterSeq; ;) {
      const rows = await this.read('run_events', () =>
        this.client.from('run_events').select('seq, message, data').eq('run_id', runId).gt('seq', last).order('seq').limit(1000),
      )
      if (rows.length === 0) return bytes
      for (const row of rows) bytes += lineBytes(row.message, row.data === null ? undefined : JSON.stringify(row.data))
      last = rows[rows.length - 1].seq
    }
  }

  /** The values of the run's secret-typed inputs, kept where only the service role reads them; {} when none. */
  async secretInputs(runId: string): Promise<Record<string, unknown>> {
    const row = await this.read('run_secret_inputs', () =>
      this.client.from('run_secret_inputs').select('inputs').eq('run_id', runId).maybeSingle(),
    )
    const inputs = row?.inputs
    return inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? { ...inputs } : {}
  }

  /** A spec doc of the run's workspace (slugs are unique per workspace only). */
  specDoc(workspaceId: string, slug: string) {
    return this.read('spec_docs', () =>
      this.client.from('spec_docs').select('slug, title, content, version').eq('workspace_id', workspaceId).eq('slug', slug).maybeSingle(),
    )
  }
}
