import { POLICY_APPROVAL_STEP_ID } from './checks.ts'
import { fillWith, type Resolve } from './fill.ts'
import { isGitRef, isRepo, REF_EXPECTED, REPO_EXPECTED } from './github-names.ts'
import { formatReference, interpolate, referencesIn } from './interpolation.ts'
import { isBlank, resolveInputs, type InputProblem, type InputValue } from './inputs.ts'
import { eachString } from './json.ts'
import { policyApproval } from './policy.ts'
import { STEP_PHASES } from '../vocabulary/index.ts'
import type { Step } from './schema/step.ts'
import type { Template } from './schema/template.ts'

/** The shape of plans this code makes (runs.plan); see stored-plan.ts for older ones. */
export const PLAN_VERSION = 2

/**
 * A step as people read it: title and `with` with inputs and env filled in, secrets (and secret
 * inputs, and the project's values) still `${{ … }}`. `source` is what the executor fills when
 * the step runs.
 */
type PlannedStep<S extends Step> = S & {
  /** Secret names the template's `with` refers to; a step that needs a missing optional one runs dry. */
  secretsUsed: string[]
  /** The step's `with` exactly as the template wrote it, references unfilled: `bindStep` fills this in one pass. */
  source: S['with']
}

/** A step of a plan, of each kind. */
export type PlanStep = Step extends infer S ? (S extends Step ? PlannedStep<S> : never) : never

/**
 * What a run will do, stored with the run (JSON). It never holds a secret value: secret
 * references, and references to secret-typed inputs, stay in place until `bindStep`.
 */
export interface Plan {
  version: typeof PLAN_VERSION
  kind: string
  title: string
  env: string
  /** Ordered by phase (preflight, execute, verify), template order within a phase. */
  steps: PlanStep[]
  /** The plan contains an approval step, added by the policy or written in the template. */
  approvalRequired: boolean
  approvalReason?: string
  /** Every secret name the steps refer to, sorted. */
  secrets: string[]
  /** Declared required secrets: the run fails validation without them, used or not. */
  requiredSecrets: string[]
  /** Keys of secret-typed inputs, left as `${{ inputs.key }}` for `bindStep`. */
  secretInputs: string[]
  /** The values of the other inputs (given or defaults), which `bindStep` fills in. */
  inputs: Record<string, InputValue>
  /** The template's run timeout in milliseconds, if it sets one. */
  timeoutMs?: number
}

export interface PlanOptions {
  /** Raw input values as typed or sent; see `resolveInputs`. */
  inputs?: Record<string, unknown>
  /** The run's environment; fills inputs.env when the template has an env input and it is not given. */
  env?: string
}

export type PlanResult =
  { ok: true; plan: Plan; inputs: Record<string, InputValue> } | { ok: false; errors: InputProblem[]; missing: string[] }

export function planRun(template: Template, options: PlanOptions = {}): PlanResult {
  const raw: Record<string, unknown> = { ...(options.inputs ?? {}) }
  const hasEnvInput = template.inputs.some((input) => input.key === 'env')
  const envErrors = applyEnvOption(hasEnvInput, options.env, raw)

  const resolved = resolveInputs(template, raw)
  const errors = [...envErrors, ...resolved.errors]
  if (errors.length > 0 || resolved.missing.length > 0) return { ok: false, errors, missing: resolved.missing }

  const values = resolved.values
  const env = hasEnvInput ? String(values.env) : String(options.env).trim()
  const secretInputs = template.inputs.filter((input) => input.type === 'secret').map((input) => input.key)
  const inputs = Object.fromEntries(Object.entries(values).filter(([key]) => !secretInputs.includes(key)))
  const resolve: Resolve = (reference) => {
    if (reference.namespace === 'env') return env
    // Secrets and the project's values are filled in only when a step runs, by the executor.
    if (reference.namespace === 'secrets' || reference.namespace === 'project' || secretInputs.includes(reference.name)) return undefined
    const value = inputs[reference.name]
    return value === undefined ? '' : String(value)
  }

  const steps: PlanStep[] = [...template.steps]
    .sort((a, b) => STEP_PHASES.indexOf(a.phase) - STEP_PHASES.indexOf(b.phase))
    .map((step) => planStep(step, resolve))
  const stepErrors = steps.flatMap((step) => filledStepProblems(step, secretInputs))
  if (stepErrors.length > 0) return { ok: false, errors: stepErrors, missing: [] }

  const policy = policyApproval(template, { env, inputs: values })
  if (policy.required) {
    const approval: PlanStep = {
      id: POLICY_APPROVAL_STEP_ID,
      title: 'Approval required',
      kind: 'approval',
      phase: 'execute',
      with: { message: policy.reason },
      secretsUsed: [],
      source: { message: policy.reason },
    }
    const firstLater = steps.findIndex((step) => step.phase !== 'preflight')
    steps.splice(firstLater === -1 ? steps.length : firstLater, 0, approval)
  }

  const firstApproval = steps.find((step) => step.kind === 'approval')
  const approvalReason =
    policy.reason ?? (firstApproval?.kind === 'approval' ? (firstApproval.with.message ?? firstApproval.title) : undefined)
  const plan: Plan = {
    version: PLAN_VERSION,
    kind: template.kind,
    title: template.title,
    env,
    steps,
    approvalRequired: firstApproval !== undefined,
    ...(approvalReason === undefined ? {} : { approvalReason }),
    secrets: [...new Set(steps.flatMap((step) => step.secretsUsed))].sort(),
    requiredSecrets: template.secrets.filter((secret) => secret.required).map((secret) => secret.name),
    secretInputs,
    inputs,
    ...(template.timeout === undefined ? {} : { timeoutMs: template.timeout }),
  }
  return { ok: true, plan, inputs: values }
}

/** A template step with inputs and env filled in its title and `with`; it keeps its kind and its unfilled `with`. */
function planStep(step: Step, resolve: Resolve): PlanStep {
  const planned = {
    ...step,
    title: interpolate(step.title, resolve),
    with: fillWith(step.kind, step.with, resolve),
    secretsUsed: secretsIn(step.with),
    source: step.with,
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- `with` and `source` are both this step's own kind of `with`, which TypeScript cannot follow through the spread
  return planned as PlanStep
}

/**
 * What only the filled-in values can tell: github_dispatch's repo must be owner/name and its ref
 * a git ref. A field that still waits for a secret or a secret input is checked by the step.
 */
function filledStepProblems(step: PlanStep, secretInputs: readonly string[]): InputProblem[] {
  if (step.kind !== 'github_dispatch') return []
  const problems: InputProblem[] = []
  const check = (field: 'repo' | 'ref', valid: (text: string) => boolean, expected: string) => {
    const references = referencesIn(step.source[field])
    const deferred = references.some(
      (r) => r.namespace === 'secrets' || r.namespace === 'project' || (r.namespace === 'inputs' && secretInputs.includes(r.name)),
    )
    if (deferred || references.length === 0 || valid(step.with[field])) return
    const from = references.find((r) => r.namespace === 'inputs') ?? references[0]
    problems.push({
      key: from.namespace === 'env' ? 'env' : from.name,
      message: `step ${step.id}: with.${field} ${JSON.stringify(step.with[field])} (from ${formatReference(from)}) is not ${expected}`,
    })
  }
  check('repo', isRepo, REPO_EXPECTED)
  check('ref', isGitRef, REF_EXPECTED)
  return problems
}

/**
 * The env option fills inputs.env when the template has that input (and must agree with it
 * when both are given); without that input it is the only source of the run's env.
 */
function applyEnvOption(hasEnvInput: boolean, env: string | undefined, raw: Record<string, unknown>): InputProblem[] {
  if (hasEnvInput) {
    if (env === undefined) return []
    if (isBlank(raw.env)) raw.env = env
    else if (String(raw.env).trim() !== env) return [{ key: 'env', message: `env "${env}" and inputs.env "${String(raw.env)}" disagree` }]
    return []
  }
  if (env === undefined || isBlank(env)) {
    return [{ key: 'env', message: 'the run needs an environment: the template has no env input, so pass env' }]
  }
  return []
}

function secretsIn(value: unknown): string[] {
  const names = new Set<string>()
  eachString(value, [], (text) => {
    for (const reference of referencesIn(text)) if (reference.namespace === 'secrets') names.add(reference.name)
  })
  return [...names].sort()
}
