/** What a step kind gets to do its work, and what it reports back. */
import type { PlanStep, StepKind } from '../../runbook/index.ts'
import type { ArtifactInput, EventInput, RunRow, StepResult } from '../../database/index.ts'
import type { OutgoingRequest } from '../dry-run.ts'
import type { Sent } from '../egress.ts'
import type { RunStore } from '../store.ts'

/** The planned step of one kind. */
type PlanStepOf<K extends StepKind> = Extract<PlanStep, { kind: K }>

/** What the runner of step kind K gets; `step` is always of that kind. */
export interface StepContext<K extends StepKind = StepKind> {
  step: PlanStepOf<K>
  run: RunRow
  store: RunStore
  /** Logs a line of this step (masked and batched by the writer); await it: it waits while too many lines wait to be sent. */
  log(event: Omit<EventInput, 'step_id' | 'phase' | 'source'>): Promise<void>
  /** Hides the run's secrets in `text`; mask before cutting a text, so a cut never leaves part of a secret. */
  mask: (text: string) => string
  /**
   * The step's `with`, filled from the template's text in one pass (inputs, env, secrets, the
   * project's values); `missing` names the secrets this run may not use (unbound, or not set),
   * `used` the secrets whose values were filled in (pass them to `send`).
   */
  bind(): { value: PlanStepOf<K>['source']; missing: string[]; used: string[] }
  /**
   * Why this step must not reach the outside world, or undefined when it may. On a protected
   * environment a missing secret is no reason for a dry run: this throws (the step fails).
   */
  dryRunReason(missingSecrets: string[]): string | undefined
  /**
   * Sends the request, following redirects by hand; every host it reaches must be allowed by the
   * bindings of the secrets in `used`, checked before each hop is sent (else the step fails).
   */
  send(request: OutgoingRequest, used: readonly string[]): Promise<Sent>
  artifact(artifact: Omit<ArtifactInput, 'step_id'>): Promise<void>
  /** Saves intermediate state (e.g. a wait's deadline) so a resumed run continues from it. */
  remember(state: Record<string, unknown>): Promise<void>
  /** The state remembered by an earlier attempt that was cut off. */
  previous: StepResult | undefined
  /** Aborted on this attempt's timeout, on cancel and when the lease is lost. */
  signal: AbortSignal
  /** When the invocation must hand the run back (ms since epoch). */
  handBackAt: number
  now(): number
}

export interface StepOutcome {
  /** `waiting_approval` parks the run until its owner decides. */
  status: 'succeeded' | 'waiting_approval'
  dryRun?: string
  output?: Record<string, unknown>
}

export type StepRunner<K extends StepKind = StepKind> = (context: StepContext<K>) => Promise<StepOutcome>

/** A runner for every step kind, each typed for its own kind: a kind not wired in is a compile error. */
export type StepRunners = { [K in StepKind]: StepRunner<K> }

/** Runs `context.step` with the runner of its kind (`kind` is passed so TypeScript can pair the two). */
export function runStepKind<K extends StepKind>(runners: StepRunners, kind: K, context: StepContext<K>): Promise<StepOutcome> {
  const runner: StepRunner<K> = runners[kind]
  return runner(context)
}
