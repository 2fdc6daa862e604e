/**
 * Executes one claimed run: phase 0 validate, 1 preflight, 2 execute, 3 verify, 4 summarize.
 * Progress lives in the database (step results, events), so any invocation can continue a run
 * another one started: finished steps are skipped, a cut-off step runs again (at most three
 * starts), and the log continues where it stopped.
 */
import { bindStep, type Plan, type PlanStep, type StoredPlan } from '../runbook/index.ts'
import {
  CHOSEN_DRY_RUN_REASON,
  ENVIRONMENT_GATE_STEP,
  formatDuration,
  phaseLabel,
  statusView,
  STEP_PHASES,
  type StepPhase,
} from '../vocabulary/index.ts'
import { EgressRefused, send } from './egress.ts'
import type { EgressPolicy } from './egress-policy.ts'
import { gateWaitLine, mustWaitAtGate, type EnvironmentRule } from './environment-gate.ts'
import { EventWriter } from './event-writer.ts'
import { HandBack, LeaseLostError, LogLimitReached, RunCanceled, sleep, StepFailedError, StepRefusedError, StoreError } from './errors.ts'
import { formatBytes } from './log-bytes.ts'
import { CHECKPOINT_KEY, loggedBytes } from './log-checkpoint.ts'
import { listedSteps, namedSteps } from './listed.ts'
import { Lease } from './lease.ts'
import type { InvocationBudget } from './invocation-budget.ts'
import { describeUnavailable, type ReadEnv, type RunSecrets } from './secrets.ts'
import { runStepKind, type StepContext, type StepOutcome, type StepRunners } from './steps/context.ts'
import type { EventInput, RunRow, StepResult } from '../database/index.ts'
import type { OutgoingRequest } from './dry-run.ts'
import type { RunStore } from './store.ts'
import { canceledSummary, gaveUpSummary, stepFailedSummary, successSummary, tallySteps, validationFailedSummary } from './summary.ts'
import { ValidationError, validateRun } from './validate.ts'
import { errorMessage } from '../error-message.ts'

export type RunOutcome = 'success' | 'error' | 'canceled' | 'waiting_approval' | 'handed_back' | 'lease_lost' | 'interrupted'

export interface ExecutionSettings {
  store: RunStore
  readEnv: ReadEnv
  fetch: typeof fetch
  /** Where a step's requests may go (OPS_EGRESS_ALLOW and the resolver). */
  egress: EgressPolicy
  runners: StepRunners
  now: () => number
  /** When this invocation must stop starting work and hand runs back (ms since epoch). */
  handBackAt: number
  heartbeatMs: number
  /** How often a step under way, or a retry's back-off, asks whether the run was canceled (default 500 ms). */
  cancelPollMs?: number
  flushMs?: number
  flushLines?: number
  maxEvents?: number
  /** Bytes a run's log may hold across its invocations (default 5 MB); reaching it stops the run. */
  maxLogBytes?: number
  /** Claims of one run before the executor gives up on it. */
  maxAttempts: number
  /** Starts of one step (it was cut off before finishing) before the run fails. */
  maxStepStarts: number
  defaultStepTimeoutMs: number
  defaultRunTimeoutMs: number
  /** Asks for another invocation right away after handing a run back. */
  continueRun?: (runId: string) => Promise<void>
  /** Aborted when the runtime shuts down: runs are handed back at the next safe point. */
  stopSignal?: AbortSignal
  /**
   * Aborted when the runtime retires the worker once its requests end (past the soft CPU limit):
   * the step in progress finishes, and the run is handed back before its next step.
   */
  retireSignal?: AbortSignal
  /** Process-level diagnostics (not the run's log). */
  diagnostics?: (message: string) => void
  /** The invocation's work budget (CPU, database calls, steps), shared by the runs it executes. */
  budget?: InvocationBudget
}

/** The key of a step result that says a non-idempotent request of the step went out and no answer was recorded. */
const UNCONFIRMED_SEND_KEY = 'sent_result_unknown'

function unconfirmedSend(result: StepResult | undefined): string | undefined {
  const sent = result?.[UNCONFIRMED_SEND_KEY]
  return typeof sent === 'string' ? sent : undefined
}

/**
 * Whether sending the request twice does no more than sending it once: every method but POST and
 * PATCH, and those too with an Idempotency-Key header (the service then ignores a repeat).
 */
function isIdempotent(request: OutgoingRequest): boolean {
  const method = request.method.toUpperCase()
  if (method !== 'POST' && method !== 'PATCH') return true
  return Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'idempotency-key')
}

class StepTimeout extends Error {
  override name = 'StepTimeout'
}

export async function executeRun(claimed: RunRow, settings: ExecutionSettings): Promise<RunOutcome> {
  const { store, now } = settings
  let run = claimed
  let existingBytes: number
  try {
    existingBytes = await loggedBytes(run, store)
  } catch (error) {
    // As below for an unreachable database: the lease expires and another invocation resumes.
    settings.diagnostics?.(`run ${run.id}: ${errorMessage(error)}`)
    return 'interrupted'
  }
  const writer = new EventWriter(store, run.id, {
    flushMs: settings.flushMs,
    flushLines: settings.flushLines,
    maxEvents: settings.maxEvents,
    existing: run.last_seq,
    maxBytes: settings.maxLogBytes,
    existingBytes,
  })
  const lease = new Lease(store, run.id, settings.heartbeatMs)
  const cancelPollMs = settings.cancelPollMs ?? 500
  const invocationStart = now()
  /** Steps of this run started in this invocation. */
  let stepsStarted = 0
  // What runs.plan holds until validation; then the plan the steps run from.
  let plan: StoredPlan | null = run.plan
  let currentStep: PlanStep | undefined
  let secretInputs: Record<string, unknown> = {}
  let secrets: RunSecrets = { values: {}, hosts: {}, unavailable: {}, platform: [] }
  let environment: EnvironmentRule | null = null

  // The executor's own lines are a few per step, and every step's record sends them: no back-pressure to wait for.
  const log = (event: EventInput): void => void writer.log({ source: 'executor', ...event })
  const phaseLog = (phase: string, event: EventInput): void => void writer.log({ source: 'phase', phase, ...event })

  /**
   * Records a step's state with the lines logged before it, in one call that also extends the
   * lease and says whether a cancel was requested.
   */
  async function record(stepId: string, result: StepResult): Promise<void> {
    const sentAt = Date.now()
    const answer = await writer.sendWith((events, batchId, checkpoint) =>
      // Where the log stands, so a resumed run counts its bytes without reading it all back.
      store.recordStep(run.id, stepId, { ...result, [CHECKPOINT_KEY]: checkpoint }, events, batchId),
    )
    lease.extended(answer.cancelRequested, sentAt)
    run = { ...run, step_results: { ...run.step_results, [stepId]: result }, current_step: stepId, last_seq: answer.lastSeq }
  }

  /** A step the cancel interrupted (this invocation's, or one a handed-back run left) ends canceled, not running. */
  async function recordCanceledSteps(): Promise<void> {
    for (const [stepId, result] of Object.entries(run.step_results)) {
      if (result.status !== 'running') continue
      const { handed_back: _, [UNCONFIRMED_SEND_KEY]: _sent, ...rest } = result
      const finished = now()
      const started = typeof rest.started_at === 'string' ? Date.parse(rest.started_at) : Number.NaN
      await record(stepId, {
        ...rest,
        status: 'canceled',
        finished_at: new Date(finished).toISOString(),
        ...(Number.isFinite(started) ? { duration_ms: finished - started } : {}),
      })
    }
  }

  /** A run whose log is full stops here, at a safe point, while its last lines still have room. */
  function checkLogLimit(step: PlanStep): void {
    if (writer.limitReached) throw new LogLimitReached(step.id, formatBytes(writer.maxBytes))
  }

  function runDeadline(): number {
    const started = Date.parse(run.started_at ?? new Date(invocationStart).toISOString())
    // Time spent waiting for a person to approve does not count against the run's time limit.
    let waited = 0
    for (const result of Object.values(run.step_results)) {
      if (typeof result.waiting_since === 'string' && typeof result.decided_at === 'string') {
        waited += Date.parse(result.decided_at) - Date.parse(result.waiting_since)
      }
    }
    return started + waited + (plan?.timeoutMs ?? settings.defaultRunTimeoutMs)
  }

  // Steps stop early on cancel, on a lost lease and when the runtime shuts down.
  const interrupt = settings.stopSignal ? AbortSignal.any([lease.interrupt, settings.stopSignal]) : lease.interrupt

  async function safePoint(): Promise<void> {
    lease.check()
    if (settings.stopSignal?.aborted) throw settings.stopSignal.reason
    await lease.beatIfDue()
    if (lease.cancelRequested) throw new RunCanceled()
  }

  async function runStep(planned: Plan, step: PlanStep, phase: StepPhase): Promise<'done' | 'waiting_approval'> {
    await safePoint()
    checkLogLimit(step)
    if (now() >= settings.handBackAt) throw new HandBack(`this invocation's time is nearly up`)
    // Hand back before the CPU limit could kill the worker mid-step (invocation-budget.ts); every
    // invocation runs at least one step of its run, so a run always moves on.
    const spent = stepsStarted > 0 ? settings.budget?.exhausted() : undefined
    if (spent) throw new HandBack(spent)
    if (stepsStarted > 0 && settings.retireSignal?.aborted) throw settings.retireSignal.reason
    settings.budget?.stepStarted()
    stepsStarted++
    const deadline = runDeadline()
    if (now() >= deadline) {
      throw new StepFailedError(
        step.id,
        `the run's time limit of ${formatDuration(plan?.timeoutMs ?? settings.defaultRunTimeoutMs)} ran out before this step`,
      )
    }
    const previous = run.step_results[step.id]
    // A step that handed the run back itself (a long wait) continues; only a step cut off counts as a new start.
    const continued = previous?.status === 'running' && previous.handed_back === true
    const starts = (typeof previous?.starts === 'number' ? previous.starts : 0) + (continued ? 0 : 1)
    const stepLog = (event: Omit<EventInput, 'step_id' | 'phase' | 'source'>) =>
      writer.log({ ...event, source: step.id, phase, step_id: step.id })
    const unconfirmed = previous?.status === 'running' && !continued ? unconfirmedSend(previous) : undefined
    if (unconfirmed && !step.repeatIfInterrupted) {
      // At most once: a request that may have reached the service is not sent again unless the template says it may be.
      const reason =
        `its ${unconfirmed} request was sent, result unknown: the executor was stopped before the answer came, ` +
        `so it is not sent again (set repeat_if_interrupted: true on the step to send it again after an interruption)`
      void stepLog({ level: 'error', message: `Step ${step.id} failed: ${reason}` })
      const { [UNCONFIRMED_SEND_KEY]: _sent, ...rest } = previous ?? {}
      await record(step.id, { ...rest, status: 'failed', starts, reason, finished_at: new Date(now()).toISOString() })
      throw new StepFailedError(step.id, reason)
    }
    if (previous?.status === 'running' && !continued) {
      void stepLog({
        level: 'warn',
        message: `Step ${step.id} was cut off before it finished; running it again (start ${starts} of ${settings.maxStepStarts})`,
      })
    }
    if (starts > settings.maxStepStarts) {
      throw new StepFailedError(step.id, `it was cut off ${settings.maxStepStarts} times without finishing`)
    }
    const startedAt = new Date(now()).toISOString()
    const { handed_back: _, [UNCONFIRMED_SEND_KEY]: _sent, ...earlier } = previous ?? {}
    const running: StepResult = { ...earlier, status: 'running', starts, started_at: startedAt }
    await record(step.id, running)
    void stepLog({ message: `Step ${step.id}: ${step.title}`, data: { kind: step.kind, start: starts } })

    let unconfirmedMarked = false
    const attempts = 1 + (step.retry?.max ?? 0)
    let outcome: StepOutcome | undefined
    for (let attempt = 1; attempt <= attempts && !outcome; attempt++) {
      const timeoutMs = Math.max(1, Math.min(step.timeoutMs ?? settings.defaultStepTimeoutMs, deadline - now()))
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(new StepTimeout(`timed out after ${formatDuration(timeoutMs)}`)), timeoutMs)
      const onInterrupt = () => controller.abort(interrupt.reason)
      interrupt.addEventListener('abort', onInterrupt, { once: true })
      if (interrupt.aborted) onInterrupt()
      const context: StepContext = {
        step,
        run,
        store,
        log: stepLog,
        mask: (text) => store.maskerOf(run.id)(text),
        bind: () => bindStep(planned, step, secrets.values, secretInputs),
        dryRunReason: (missing) => {
          if (run.dry_run) return CHOSEN_DRY_RUN_REASON
          if (missing.length === 0) return undefined
          if (environment?.protected) {
            // On a protected environment a step never quietly does less than it says.
            const clauses = missing.map(
              (name) => `secret ${name} is needed on protected environment ${run.env} but ${secrets.unavailable[name]}`,
            )
            throw new StepRefusedError(step.id, clauses.join(', '))
          }
          return describeUnavailable(secrets, missing)
        },
        send: async (request, used) => {
          if (!unconfirmedMarked && !run.dry_run && !isIdempotent(request)) {
            // Recorded before the request leaves: if the executor is stopped before the answer, the resumed run knows.
            unconfirmedMarked = true
            await record(step.id, { ...running, [UNCONFIRMED_SEND_KEY]: `${request.method} ${request.url}` })
          }
          try {
            return await send(request, {
              fetch: settings.fetch,
              signal: controller.signal,
              secrets: used.map((name) => ({ name, hosts: secrets.hosts[name] ?? [] })),
              policy: settings.egress,
            })
          } catch (error) {
            if (error instanceof EgressRefused) throw new StepRefusedError(step.id, error.message)
            throw error
          }
        },
        artifact: async (artifact) => {
          await writer.flush()
          // The store masks it, and keeps no link whose URL holds a secret (a masked URL is no link).
          if (!(await store.addArtifact(run.id, { ...artifact, step_id: step.id }))) {
            void stepLog({ level: 'warn', message: `The link "${artifact.title}" is not kept: its URL contains a secret` })
          }
        },
        remember: (state) => record(step.id, { ...running, ...state }),
        previous,
        signal: controller.signal,
        handBackAt: settings.handBackAt,
        now,
      }
      try {
        outcome = await lease.watch(runStepKind(settings.runners, step.kind, context), cancelPollMs)
      } catch (error) {
        if (lease.lost) throw lease.lost
        if (error instanceof HandBack && !controller.signal.aborted) {
          // The step gave the run back on purpose (its work outlasts this invocation): the next start continues it.
          await record(step.id, { ...run.step_results[step.id], status: 'running', handed_back: true })
          throw error
        }
        if (error instanceof LeaseLostError || error instanceof HandBack || error instanceof StoreError) throw error
        if (controller.signal.reason instanceof HandBack) throw controller.signal.reason
        if (lease.cancelRequested) {
          await stepLog({
            level: 'warn',
            message: `Step ${step.id} stopped: the run was canceled after ${formatDuration(now() - Date.parse(startedAt))}`,
          })
          throw new RunCanceled()
        }
        const reason =
          controller.signal.reason instanceof StepTimeout
            ? controller.signal.reason.message
            : error instanceof StepFailedError
              ? error.reason
              : errorMessage(error)
        // A full log retries nothing: the step fails as it is and the run stops.
        if (attempt < attempts && !(error instanceof StepRefusedError) && !writer.limitReached) {
          const delay = (step.retry?.delayMs ?? 0) * (step.retry?.backoff ?? 2) ** (attempt - 1)
          void stepLog({
            level: 'warn',
            message: `Attempt ${attempt} of ${attempts} failed: ${reason}; retrying in ${formatDuration(delay)}`,
          })
          await lease.watch(sleep(delay, interrupt), cancelPollMs)
          // The lease may have been lost while sleeping.
          lease.check()
          if (settings.stopSignal?.aborted) throw settings.stopSignal.reason
          if (lease.cancelRequested) throw new RunCanceled()
          continue
        }
        void stepLog({ level: 'error', message: `Step ${step.id} failed: ${reason}` })
        await record(step.id, { ...running, status: 'failed', attempts: attempt, reason, finished_at: new Date(now()).toISOString() })
        checkLogLimit(step)
        throw new StepFailedError(step.id, reason)
      } finally {
        clearTimeout(timer)
        interrupt.removeEventListener('abort', onInterrupt)
      }
      if (outcome?.status === 'waiting_approval') return 'waiting_approval'
      const ms = now() - Date.parse(startedAt)
      void stepLog({
        message: `Step ${step.id} succeeded in ${formatDuration(ms)}${outcome.dryRun ? ` (dry run: ${outcome.dryRun})` : ''}`,
      })
      await record(step.id, {
        ...running,
        status: 'succeeded',
        attempts: attempt,
        finished_at: new Date(now()).toISOString(),
        duration_ms: ms,
        ...(outcome.dryRun ? { dry_run: true, dry_run_reason: outcome.dryRun } : {}),
        ...(outcome.output ? { output: outcome.output } : {}),
      })
    }
    checkLogLimit(step)
    return 'done'
  }

  async function summarize(status: 'success' | 'error' | 'canceled', headline?: string): Promise<string> {
    const ms = now() - Date.parse(run.started_at ?? new Date(invocationStart).toISOString())
    const tally = tallySteps(plan, run.step_results)
    const summary = status === 'success' && plan ? successSummary(plan, tally, ms) : (headline ?? statusView(status).label)
    phaseLog('summarize', {
      level: status === 'success' ? 'info' : status === 'error' ? 'error' : 'warn',
      // The summary is a sentence of its own ("Succeeded: …"), hence no colon after the phase.
      message: `${phaseLabel('summarize')} · ${summary}`,
      data: {
        status,
        outcome: status === 'success' && tally.dryRuns > 0 ? 'dry_run' : status,
        duration_ms: ms,
        tally,
        ...listedSteps(
          (plan?.steps ?? []).map((step) => ({
            id: step.id,
            status: run.step_results[step.id]?.status ?? 'not run',
            dry_run: run.step_results[step.id]?.dry_run === true,
          })),
        ),
      },
    })
    await writer.flush()
    return summary
  }

  // The claim just set the lease (and read cancel_requested): no heartbeat is due before the first step.
  lease.extended(run.cancel_requested)
  lease.start()
  try {
    if (run.attempt > settings.maxAttempts) {
      const reason = `the executor gave up after ${settings.maxAttempts} attempts to run it`
      log({ level: 'error', message: `Giving up: ${reason}` })
      await store.finish(run.id, 'error', await summarize('error', gaveUpSummary(reason)), reason)
      return 'error'
    }
    log(
      // A run handed back keeps its attempt number (see ops.release_run): what it logged shows it is resumed.
      run.attempt === 1 && run.last_seq === 0
        ? { message: `Claimed by executor ${store.workerId}` }
        : {
            message: `Resuming ${run.current_step ? `at step ${run.current_step} ` : ''}(attempt ${run.attempt}, executor ${store.workerId})`,
          },
    )
    if (run.cancel_requested) throw new RunCanceled()

    phaseLog('validate', { message: `${phaseLabel('validate')}: checking the template, inputs and secrets` })
    const validated = await validateRun(run, store, settings.readEnv)
    const planned = validated.plan
    plan = planned
    secrets = validated.secrets
    environment = validated.environment
    secretInputs = validated.secretInputs
    if (!validated.fresh) phaseLog('validate', { message: 'Using the plan stored when this run was first validated' })
    if (run.dry_run)
      phaseLog('validate', { level: 'warn', message: 'DRY RUN: this run sends nothing anywhere; each external call is logged instead' })
    const missingOptional = Object.keys(secrets.unavailable)
    if (missingOptional.length > 0) {
      phaseLog('validate', {
        level: 'warn',
        message: `Optional ${describeUnavailable(secrets, missingOptional)}: ${
          environment?.protected
            ? `on protected environment ${run.env} the steps that use ${missingOptional.length === 1 ? 'it' : 'them'} fail rather than run dry`
            : `the steps that use ${missingOptional.length === 1 ? 'it' : 'them'} run as dry runs`
        }`,
      })
    }
    phaseLog('validate', {
      message: `${phaseLabel('validate')} passed: ${planned.steps.length} steps planned${planned.approvalRequired ? ', approval required' : ''}`,
      data: listedSteps(planned.steps.map((step) => ({ id: step.id, kind: step.kind, phase: step.phase, title: step.title }))),
    })

    // The protected environment's gate: before any step, whatever the template says.
    if (environment && mustWaitAtGate(environment, run.step_results)) {
      const message = gateWaitLine(environment)
      void writer.log({
        level: 'warn',
        source: 'executor',
        phase: 'validate',
        step_id: ENVIRONMENT_GATE_STEP,
        message,
        data: {
          approval: {
            message,
            environment: environment.name,
            required: environment.required_approvals,
            approver_role: environment.approver_role,
            prevent_self_review: environment.prevent_self_review,
          },
        },
      })
      await writer.flush()
      await store.awaitApproval(run.id, ENVIRONMENT_GATE_STEP)
      return 'waiting_approval'
    }

    for (const phase of STEP_PHASES) {
      const steps = planned.steps.filter((step) => step.phase === phase)
      const pending = steps.filter((step) => !['succeeded', 'skipped'].includes(run.step_results[step.id]?.status ?? ''))
      if (pending.length === 0) continue
      const resumed = pending.length < steps.length || run.step_results[pending[0].id] !== undefined
      const phaseStart = now()
      phaseLog(phase, {
        message: `${phaseLabel(phase)}${resumed ? ' resumed' : ''}: ${namedSteps(pending.map((step) => step.id))}`,
        data: { phase, ...listedSteps(steps.map((step) => step.id)) },
      })
      for (const step of pending) {
        currentStep = step
        if ((await runStep(planned, step, phase)) === 'waiting_approval') {
          await writer.flush()
          await store.awaitApproval(run.id, step.id)
          return 'waiting_approval'
        }
      }
      currentStep = undefined
      phaseLog(phase, { message: `${phaseLabel(phase)} finished in ${formatDuration(now() - phaseStart)}` })
    }

    const summary = await summarize('success')
    await store.finish(run.id, 'success', summary)
    return 'success'
  } catch (error) {
    if (error instanceof LeaseLostError || lease.lost) {
      settings.diagnostics?.(`run ${run.id}: lease lost, stopping without further writes`)
      return 'lease_lost'
    }
    try {
      if (error instanceof HandBack) {
        log({
          message: `Handing the run back (${error.message}); the next invocation continues${currentStep ? ` at step ${currentStep.id}` : ''}`,
        })
        await writer.flush()
        await store.release(run.id)
        if (!settings.stopSignal?.aborted) {
          await settings.continueRun?.(run.id).catch((e) => settings.diagnostics?.(`continuation for ${run.id} failed: ${errorMessage(e)}`))
        }
        return 'handed_back'
      }
      if (error instanceof RunCanceled) {
        const canceled = canceledSummary(currentStep?.id)
        log({ level: 'warn', message: canceled })
        await recordCanceledSteps()
        await store.finish(run.id, 'canceled', await summarize('canceled', canceled))
        return 'canceled'
      }
      if (error instanceof LogLimitReached) {
        log({ level: 'error', message: `The run's log reached its limit of ${error.limit}; the run was stopped at step ${error.stepId}` })
        const summary = await summarize('error', stepFailedSummary(error.stepId, `the run's log reached its limit of ${error.limit}`))
        await store.finish(run.id, 'error', summary, error.message)
        return 'error'
      }
      if (error instanceof StepFailedError || error instanceof ValidationError) {
        const reason = error instanceof ValidationError ? `validation failed: ${error.message}` : error.message
        if (error instanceof ValidationError) {
          phaseLog('validate', { level: 'error', message: `${phaseLabel('validate')} failed: ${error.message}` })
        }
        const summary = await summarize(
          'error',
          error instanceof StepFailedError ? stepFailedSummary(error.stepId, error.reason) : validationFailedSummary(error.message),
        )
        await store.finish(run.id, 'error', summary, reason)
        return 'error'
      }
      // The database is unreachable or answered unexpectedly: keep the lease to expire so that
      // another invocation resumes the run, rather than guessing at its outcome.
      settings.diagnostics?.(`run ${run.id}: ${errorMessage(error)}`)
      return 'interrupted'
    } catch (secondary) {
      if (secondary instanceof LeaseLostError) return 'lease_lost'
      settings.diagnostics?.(`run ${run.id}: could not record the outcome: ${errorMessage(secondary)}`)
      return 'interrupted'
    }
  } finally {
    lease.stop()
  }
}
