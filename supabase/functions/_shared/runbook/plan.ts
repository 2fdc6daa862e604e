import { POLICY_APPROVAL_STEP_ID } from './checks.ts'
import { interpolate, referencesIn, type Reference } from './interpolation.ts'
import { isBlank, resolveInputs, type InputProblem, type InputValue } from './inputs.ts'
import { eachString, mapStrings } from './json.ts'
import { policyApproval } from './policy.ts'
import { STEP_PHASES } from '../vocabulary/index.ts'
import type { Step } from './schema/step.ts'
import type { Template } from './schema/template.ts'

/** A step ready to run: inputs and env filled in, secrets still `${{ secrets.NAME }}`. */
export type PlanStep = Step & {
  /** Secret names the step's `with` refers to; a step that needs a missing optional one runs dry. */
  secretsUsed: string[]
}

/**
 * What a run will do, stored with the run (JSON). It never holds a secret value: secret
 * references, and references to secret-typed inputs, stay in place until `bindSecrets`.
 */
export interface Plan {
  version: 1
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
  /** Keys of secret-typed inputs, left as `${{ inputs.key }}` for `bindSecrets`. */
  secretInputs: string[]
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
  const resolve = (reference: Reference): string | undefined => {
    if (reference.namespace === 'env') return env
    // Secrets and the project's values are filled in only when a step runs, by the executor.
    if (reference.namespace === 'secrets' || reference.namespace === 'project' || secretInputs.includes(reference.name)) return undefined
    const value = values[reference.name]
    return value === undefined ? '' : String(value)
  }

  const steps: PlanStep[] = [...template.steps]
    .sort((a, b) => STEP_PHASES.indexOf(a.phase) - STEP_PHASES.indexOf(b.phase))
    .map((step) => {
      const planned = fillStep(step, resolve)
      return { ...planned, secretsUsed: secretsIn(planned.with) }
    })

  const policy = policyApproval(template, { env, inputs: values })
  if (policy.required) {
    const approval: PlanStep = {
      id: POLICY_APPROVAL_STEP_ID,
      title: 'Approval required',
      kind: 'approval',
      phase: 'execute',
      with: { message: policy.reason },
      secretsUsed: [],
    }
    const firstLater = steps.findIndex((step) => step.phase !== 'preflight')
    steps.splice(firstLater === -1 ? steps.length : firstLater, 0, approval)
  }

  const firstApproval = steps.find((step) => step.kind === 'approval')
  const approvalReason =
    policy.reason ?? (firstApproval?.kind === 'approval' ? (firstApproval.with.message ?? firstApproval.title) : undefined)
  const plan: Plan = {
    version: 1,
    kind: template.kind,
    title: template.title,
    env,
    steps,
    approvalRequired: firstApproval !== undefined,
    ...(approvalReason === undefined ? {} : { approvalReason }),
    secrets: [...new Set(steps.flatMap((step) => step.secretsUsed))].sort(),
    requiredSecrets: template.secrets.filter((secret) => secret.required).map((secret) => secret.name),
    secretInputs,
    ...(template.timeout === undefined ? {} : { timeoutMs: template.timeout }),
  }
  return { ok: true, plan, inputs: values }
}

/** A template step with references filled in its title and `with`; it keeps its kind. */
function fillStep<S extends Step>(step: S, resolve: (reference: Reference) => string | undefined): S {
  return { ...step, title: interpolate(step.title, resolve), with: mapStrings(step.with, (text) => interpolate(text, resolve)) }
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
  // The env is interpolated into the plan, which is scanned again when secrets are bound.
  if (env.includes('${{')) return [{ key: 'env', message: '"${{" cannot appear in the environment name' }]
  return []
}

function secretsIn(value: unknown): string[] {
  const names = new Set<string>()
  eachString(value, [], (text) => {
    for (const reference of referencesIn(text)) if (reference.namespace === 'secrets') names.add(reference.name)
  })
  return [...names].sort()
}
