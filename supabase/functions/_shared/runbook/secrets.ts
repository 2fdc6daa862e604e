import { interpolate, type Reference } from './interpolation.ts'
import { mapStrings } from './json.ts'
import type { Plan } from './plan.ts'

export type SecretValues = Record<string, string | undefined>

/**
 * Fills secret references in a plan value right before a step runs, so secret values never
 * reach storage. `secretInputs` are the run's values of secret-typed inputs. A reference whose
 * value is missing or empty stays in place (it shows up, unmasked but harmless, in a dry run)
 * and its name is listed in `missing`; the names whose values were filled in are listed in `used`,
 * so the caller can check where the bound value may be sent.
 */
export function bindSecrets<T>(
  value: T,
  secrets: SecretValues,
  secretInputs: Record<string, unknown> = {},
): { value: T; missing: string[]; used: string[] } {
  const missing = new Set<string>()
  const used = new Set<string>()
  const resolve = (reference: Reference): string | undefined => {
    if (reference.namespace === 'secrets') {
      const secret = Object.prototype.hasOwnProperty.call(secrets, reference.name) ? secrets[reference.name] : undefined
      if (secret === undefined || secret === '') {
        missing.add(reference.name)
        return undefined
      }
      used.add(reference.name)
      return secret
    }
    if (reference.namespace === 'project') {
      // Bound like a secret under its reference's name, so the egress check knows its host.
      const key = `project.${reference.name}`
      const value = Object.prototype.hasOwnProperty.call(secrets, key) ? secrets[key] : undefined
      if (value === undefined || value === '') {
        missing.add(key)
        return undefined
      }
      used.add(key)
      return value
    }
    if (reference.namespace === 'inputs' && Object.prototype.hasOwnProperty.call(secretInputs, reference.name)) {
      // Secret inputs are text (resolveInputs reads them so); anything else binds as nothing.
      const input = secretInputs[reference.name]
      return typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean' ? String(input) : ''
    }
    return undefined
  }
  const bound = mapStrings(value, (text) => interpolate(text, resolve))
  return { value: bound, missing: [...missing].sort(), used: [...used].sort() }
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
