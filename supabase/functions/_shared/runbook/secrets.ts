import { fillWith, type Resolve } from './fill.ts'
import type { Plan, PlanStep } from './plan.ts'

export type SecretValues = Record<string, string | undefined>

/**
 * A step's `with`, filled right before it runs, so secret values never reach storage. It is
 * filled from the template's own text (`step.source`) in one pass: inputs, env, secrets, secret
 * inputs and the project's values together, and nothing that was put in is read again (a value
 * like "${{ secrets.X }}" stays that text). Values placed into a URL are percent-encoded.
 *
 * `secrets` holds the values this run may use (and `project.<name>` for the project's values);
 * `secretInputs` the run's values of secret-typed inputs. A secret whose value is missing or empty
 * stays in place as `${{ secrets.NAME }}` (it shows up, harmless, in a dry run) and is listed in
 * `missing`; the names whose values were filled in are listed in `used`, so the caller can check
 * where the bound value may be sent.
 */
export function bindStep<S extends PlanStep>(
  plan: Plan,
  step: S,
  secrets: SecretValues,
  secretInputs: Record<string, unknown> = {},
): { value: S['source']; missing: string[]; used: string[] } {
  const missing = new Set<string>()
  const used = new Set<string>()
  const known = (values: Readonly<Record<string, unknown>>, key: string) => Object.prototype.hasOwnProperty.call(values, key)
  const secret = (key: string): string | undefined => {
    const value = known(secrets, key) ? secrets[key] : undefined
    if (value === undefined || value === '') {
      missing.add(key)
      return undefined
    }
    used.add(key)
    return value
  }
  const resolve: Resolve = (reference) => {
    switch (reference.namespace) {
      case 'env':
        return plan.env
      case 'secrets':
        return secret(reference.name)
      case 'project':
        // Bound like a secret under its reference's name, so the egress check knows its host.
        return secret(`project.${reference.name}`)
      case 'inputs': {
        // Secret inputs are text (resolveInputs reads them so); anything else binds as nothing.
        const values: Readonly<Record<string, unknown>> = plan.secretInputs.includes(reference.name) ? secretInputs : plan.inputs
        const value = known(values, reference.name) ? values[reference.name] : undefined
        return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
      }
    }
  }
  const value = fillWith(step.kind, step.source, resolve)
  return { value, missing: [...missing].sort(), used: [...used].sort() }
}

/**
 * Which secrets a run lacks. A missing required secret fails the run in validation; a missing
 * optional one turns every step whose `secretsUsed` names it into a dry run that says so.
 */
export function missingSecrets(plan: Plan, available: SecretValues): { required: string[]; optional: string[] } {
  const absent = (name: string) => available[name] === undefined || available[name] === ''
  const required = plan.requiredSecrets.filter(absent)
  const optional = plan.secrets.filter((name) => !plan.requiredSecrets.includes(name) && absent(name))
  return { required, optional }
}
