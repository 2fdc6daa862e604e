/**
 * The executor's entry: claim the requested run (or, for a drain, claimable runs while the
 * invocation's wall-clock and work budgets last, at most `maxRunsPerDrain`) and execute each.
 * Safe to invoke any number of times at once: claiming is atomic, so no two invocations ever
 * execute the same run. Each invocation ends with one structured line (`invocationLog`).
 */
import { executeRun, type RunOutcome } from './run-execution.ts'
import { RunStore, type OpsClient } from './store.ts'
import { stepRunners } from './steps/index.ts'
import type { ReadEnv } from './secrets.ts'
import { EGRESS_ALLOW_SETTING, parseEgressAllow, type ResolveHost } from './egress-policy.ts'
import { systemResolveHost } from './resolve-host.ts'
import { DEFAULT_LIMITS, InvocationBudget, type BudgetLimits, type Spent } from './invocation-budget.ts'

export interface ExecutorOptions {
  client: OpsClient
  readEnv: ReadEnv
  workerId?: string
  fetch?: typeof fetch
  /** Resolves a step's host names for the address policy; the runtime's DNS when not given. */
  resolveHost?: ResolveHost
  now?: () => number
  leaseSeconds?: number
  heartbeatMs?: number
  /** How often a step under way, or a retry's back-off, asks whether the run was canceled (default 500 ms). */
  cancelPollMs?: number
  flushMs?: number
  flushLines?: number
  maxEvents?: number
  /** Bytes a run's log may hold across its invocations (default 5 MB); reaching it stops the run. */
  maxLogBytes?: number
  /** The most one request may take (default 150 s), counted from its start. */
  budgetMs?: number
  /**
   * When the worker serving this request started (ms since epoch). Hosted, the wall clock belongs
   * to the worker, which serves several requests: the request hands its runs back by the worker's
   * clock, never later than by its own budget. Not given: only the request's budget counts.
   */
  workerStartedAt?: number
  /** The worker's wall clock (hosted: 150 s on Free, 400 s on paid plans); default 150 s. */
  workerWallClockMs?: number
  /** How long before the budget ends to stop starting steps and hand runs back. */
  handBackMarginMs?: number
  maxAttempts?: number
  maxStepStarts?: number
  defaultStepTimeoutMs?: number
  defaultRunTimeoutMs?: number
  continueRun?: (runId: string) => Promise<void>
  /** Abort with a HandBack reason when the runtime shuts down; runs are handed back. */
  stopSignal?: AbortSignal
  /** Abort with a HandBack reason when the runtime retires the worker: runs hand back after the step in progress. */
  retireSignal?: AbortSignal
  diagnostics?: (message: string) => void
  /** CPU used so far by this worker's process (ms), where the runtime measures it. */
  cpuMs?: () => number
  /** The invocation's work budget; defaults in invocation-budget.ts. */
  limits?: Partial<BudgetLimits>
  /** Runs one drain invocation takes at most (default 10). */
  maxRunsPerDrain?: number
  /** Receives the invocation's one structured line when it ends. */
  invocationLog?: (line: InvocationLine) => void
  /**
   * Retention: a drain deletes the events of runs that finished more than this many days ago
   * (default 30; OPS_EVENT_RETENTION_DAYS), one batch per drain invocation. 0 keeps every event.
   */
  eventRetentionDays?: number
  /** Events one drain deletes at most (default 5,000). */
  retentionBatch?: number
}

const DEFAULT_EVENT_RETENTION_DAYS = 30

/** Why an invocation stopped: it ran out of work, it handed a run back, or it reached a limit before taking another run. */
type InvocationStop = 'finished' | 'handed back' | 'limit'

/** What one invocation did, in one line of the function's log. */
export interface InvocationLine {
  event: 'ops-executor invocation'
  worker: string
  runs_claimed: number
  steps: number
  db_calls: number
  cpu_ms: number | null
  wall_ms: number
  stopped: InvocationStop
  /** The limit or the hand-back's reason, when there is one. */
  reason?: string
  /** A drain's retention batch: events deleted, and whether older events are still due. */
  retention?: { deleted_events: number; emptied_runs: number; more: boolean }
}

export interface ExecuteRequest {
  /** The run to execute; it is executed only if it can be claimed now. */
  runId?: string
  /** Keep claiming queued runs and expired leases until none is left or the budget ends. */
  drain?: boolean
}

export interface ExecutionReport {
  worker: string
  /** `reason` says why a requested run was not claimable (e.g. its workspace is at its running limit). */
  runs: { id: string; outcome: RunOutcome | 'not_claimable'; reason?: string }[]
}

export async function execute(options: ExecutorOptions, request: ExecuteRequest): Promise<ExecutionReport> {
  const now = options.now ?? Date.now
  const worker = options.workerId ?? `executor-${crypto.randomUUID().slice(0, 8)}`
  const store = new RunStore(options.client, worker, { leaseSeconds: options.leaseSeconds })
  const requestStart = now()
  const budgetMs = options.budgetMs ?? 150_000
  const wallClockMs = options.workerWallClockMs ?? 150_000
  const workerEnd = options.workerStartedAt === undefined ? Infinity : options.workerStartedAt + wallClockMs
  const marginMs = Math.min(options.handBackMarginMs ?? 30_000, Math.min(budgetMs, wallClockMs) / 2)
  const handBackAt = Math.min(requestStart + budgetMs, workerEnd) - marginMs
  // A request that reaches a worker near the end of its life starts nothing: the run stays queued
  // (no attempt used) for an invocation on a fresh worker rather than being cut off mid-step.
  const tooLate = (waiting: string) =>
    `This executor's worker has ${Math.max(0, Math.round((workerEnd - now()) / 1000))} s of its ${Math.round(wallClockMs / 1000)} s ` +
    `wall clock left, less than the ${Math.round(marginMs / 1000)} s it keeps for handing runs back; ` +
    `${waiting} for the next invocation`
  const budget = new InvocationBudget({ ...DEFAULT_LIMITS, ...options.limits }, () => store.calls, options.cpuMs, now)
  const readEnv = options.readEnv
  // A malformed OPS_EGRESS_ALLOW throws here, naming the entry, before any run is claimed.
  const egress = { allow: parseEgressAllow(readEnv(EGRESS_ALLOW_SETTING)), resolve: options.resolveHost ?? systemResolveHost() }
  const settings = {
    store,
    readEnv,
    fetch: options.fetch ?? fetch,
    egress,
    runners: stepRunners({
      api: readEnv('GITHUB_API_URL') ?? 'https://api.github.com',
      web: readEnv('GITHUB_SERVER_URL') ?? 'https://github.com',
    }),
    now,
    handBackAt,
    // Three heartbeats per lease, so one slow or lost heartbeat never lets the lease lapse.
    heartbeatMs: options.heartbeatMs ?? Math.min(10_000, ((options.leaseSeconds ?? 30) * 1000) / 3),
    cancelPollMs: options.cancelPollMs,
    flushMs: options.flushMs,
    flushLines: options.flushLines,
    maxEvents: options.maxEvents,
    maxLogBytes: options.maxLogBytes,
    maxAttempts: options.maxAttempts ?? 10,
    maxStepStarts: options.maxStepStarts ?? 3,
    defaultStepTimeoutMs: options.defaultStepTimeoutMs ?? 5 * 60_000,
    defaultRunTimeoutMs: options.defaultRunTimeoutMs ?? 60 * 60_000,
    continueRun: options.continueRun,
    stopSignal: options.stopSignal,
    retireSignal: options.retireSignal,
    diagnostics: options.diagnostics,
    budget,
  }
  const report: ExecutionReport = { worker, runs: [] }
  let stopped: InvocationStop = 'finished'
  let reason: string | undefined
  let retention: InvocationLine['retention']
  const ran = (id: string, outcome: RunOutcome) => {
    report.runs.push({ id, outcome })
    if (outcome === 'handed_back') stopped = 'handed back'
  }
  try {
    if (request.runId && now() >= handBackAt) {
      reason = tooLate('the run stays queued')
      stopped = 'limit'
      options.diagnostics?.(reason)
      report.runs.push({ id: request.runId, outcome: 'not_claimable', reason })
    } else if (request.runId) {
      const run = await store.claim(request.runId)
      if (run) ran(request.runId, await executeRun(run, settings))
      else {
        const why = await store.whyNotClaimable(request.runId)
        report.runs.push({ id: request.runId, outcome: 'not_claimable', ...(why ? { reason: why } : {}) })
      }
    }
    if (request.drain && now() >= handBackAt) {
      reason = tooLate('queued runs stay queued')
      stopped = 'limit'
      options.diagnostics?.(reason)
    }
    const maxRuns = options.maxRunsPerDrain ?? 10
    let drained = 0
    while (request.drain && now() < handBackAt && !options.stopSignal?.aborted && !options.retireSignal?.aborted) {
      const spent = budget.exhausted()
      if (spent || drained >= maxRuns) {
        stopped = 'limit'
        reason = spent ?? `this invocation took ${drained} runs, the most a drain takes; the next drain takes the rest`
        break
      }
      const run = await store.claim()
      if (!run) break
      drained++
      ran(run.id, await executeRun(run, settings))
    }
    // Retention after the runs, so it never delays one; one bounded batch per drain, within its budget.
    const retentionDays = options.eventRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS
    if (request.drain && retentionDays > 0 && now() < handBackAt && !options.stopSignal?.aborted && !budget.exhausted()) {
      const batch = await store.deleteOldEvents(retentionDays, options.retentionBatch ?? 5000)
      retention = { deleted_events: batch.deleted, emptied_runs: batch.emptiedRuns, more: batch.more }
    }
    return report
  } finally {
    const spent: Spent = budget.spent()
    options.invocationLog?.({
      event: 'ops-executor invocation',
      worker,
      runs_claimed: report.runs.filter((run) => run.outcome !== 'not_claimable').length,
      steps: spent.steps,
      db_calls: spent.calls,
      cpu_ms: spent.cpuMs,
      wall_ms: spent.wallMs,
      stopped,
      ...(reason ? { reason } : {}),
      ...(retention ? { retention } : {}),
    })
  }
}
