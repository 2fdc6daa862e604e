/**
 * The executor's only way to the database: the SQL functions of the ops migration, called by RPC
 * with the service role through supabase-js, exactly as on hosted Supabase. Transient failures
 * are retried with jittered backoff; every call that may be retried is idempotent on the server
 * (batch ids, artifact keys, step results keyed by step), and a lost lease becomes LeaseLostError.
 */
import type { RunStatus } from '../vocabulary/index.ts'
import { backoffMs, isTransient, LeaseLostError, type PostgrestLikeError, sleep, StoreError } from './errors.ts'

/** The part of a supabase-js client (schema `ops`, service role) the executor uses. */
export interface OpsClient {
  rpc(fn: string, args: Record<string, unknown>): PromiseLike<{ data: unknown; error: PostgrestLikeError | null; status: number }>
  from(table: string): {
    select(columns: string): {
      eq(
        column: string,
        value: unknown,
      ): {
        maybeSingle(): PromiseLike<{ data: unknown; error: PostgrestLikeError | null; status: number }>
      }
    }
  }
}

export interface StepResult {
  status: 'running' | 'succeeded' | 'failed' | 'skipped'
  [key: string]: unknown
}

export interface RunRecord {
  id: string
  created_by: string
  template_slug: string | null
  kind: string
  env: string
  title: string
  inputs: Record<string, unknown>
  plan: unknown
  dry_run: boolean
  status: RunStatus
  cancel_requested: boolean
  attempt: number
  claimed_by: string | null
  started_at: string | null
  last_seq: number
  current_step: string | null
  step_results: Record<string, StepResult>
}

export interface EventInput {
  level?: 'debug' | 'info' | 'warn' | 'error'
  source?: string
  phase?: string
  step_id?: string
  message: string
  data?: unknown
  ts?: string
}

export interface ArtifactInput {
  key: string
  step_id?: string
  kind: 'link' | 'diff' | 'file'
  title: string
  url?: string
  content?: string
  mime?: string
}

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

  private async call<T>(fn: string, args: Record<string, unknown>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { data, error, status } = await this.client.rpc(fn, args)
      if (!error) return data as T
      if (error.code === 'PT409' && /does not hold the lease/.test(error.message)) throw new LeaseLostError(error.message)
      if (isTransient(status, error) && attempt + 1 < this.attempts) {
        await sleep(backoffMs(attempt))
        continue
      }
      throw new StoreError(`ops.${fn} failed: ${error.message}${error.hint ? ` (${error.hint})` : ''}`, error.code, status)
    }
  }

  async claim(runId?: string): Promise<RunRecord | null> {
    const rows = await this.call<RunRecord[]>('claim_run', {
      p_worker: this.workerId,
      p_run_id: runId ?? null,
      p_lease_seconds: this.leaseSeconds,
    })
    return rows[0] ?? null
  }

  async heartbeat(runId: string): Promise<{ cancelRequested: boolean }> {
    const rows = await this.call<{ cancel_requested: boolean }[]>('heartbeat_run', {
      p_run_id: runId,
      p_worker: this.workerId,
      p_lease_seconds: this.leaseSeconds,
    })
    return { cancelRequested: rows[0]?.cancel_requested ?? false }
  }

  append(runId: string, events: EventInput[], batchId: string): Promise<number> {
    return this.call<number>('append_run_events', { p_run_id: runId, p_worker: this.workerId, p_events: events, p_batch_id: batchId })
  }

  setPlan(runId: string, plan: unknown): Promise<RunRecord> {
    return this.call('set_run_plan', { p_run_id: runId, p_worker: this.workerId, p_plan: plan })
  }

  recordStep(runId: string, stepId: string, result: StepResult): Promise<RunRecord> {
    return this.call('record_step', { p_run_id: runId, p_worker: this.workerId, p_step_id: stepId, p_result: result })
  }

  addArtifact(runId: string, artifact: ArtifactInput): Promise<unknown> {
    return this.call('add_run_artifact', { p_run_id: runId, p_worker: this.workerId, p_artifact: artifact })
  }

  release(runId: string): Promise<RunRecord> {
    return this.call('release_run', { p_run_id: runId, p_worker: this.workerId })
  }

  awaitApproval(runId: string, stepId: string): Promise<RunRecord> {
    return this.call('await_approval', { p_run_id: runId, p_worker: this.workerId, p_step_id: stepId })
  }

  finish(runId: string, status: 'success' | 'error' | 'canceled', summary: string, error?: string): Promise<RunRecord> {
    return this.call('finish_run', {
      p_run_id: runId,
      p_worker: this.workerId,
      p_status: status,
      p_summary: summary,
      p_error: error ?? null,
    })
  }

  private async read<T>(table: string, column: string, value: string, columns: string): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      const { data, error, status } = await this.client.from(table).select(columns).eq(column, value).maybeSingle()
      if (!error) return data as T | null
      if (isTransient(status, error) && attempt + 1 < this.attempts) {
        await sleep(backoffMs(attempt))
        continue
      }
      throw new StoreError(`reading ops.${table} failed: ${error.message}`, error.code, status)
    }
  }

  template(slug: string): Promise<{ slug: string; template_yaml: string } | null> {
    return this.read('run_templates', 'slug', slug, 'slug, template_yaml')
  }

  specDoc(slug: string): Promise<{ slug: string; title: string; content: string; version: number } | null> {
    return this.read('spec_docs', 'slug', slug, 'slug, title, content, version')
  }
}
