/**
 * Secret values come from the function's environment only, never from the database: the plan
 * names them, the environment supplies them.
 */
import type { Plan, SecretValues } from '../runbook/index.ts'

export type ReadEnv = (name: string) => string | undefined

export function secretValues(plan: Plan, readEnv: ReadEnv): SecretValues {
  const names = new Set([...plan.secrets, ...plan.requiredSecrets])
  return Object.fromEntries([...names].map((name) => [name, readEnv(name)]))
}

/** Every value the masker must hide: the secrets and the run's secret-typed inputs. */
export function valuesToMask(secrets: SecretValues, secretInputs: Record<string, unknown>): string[] {
  return [...Object.values(secrets), ...Object.values(secretInputs)]
    .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
    .map(String)
}
