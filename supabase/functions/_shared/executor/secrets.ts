/**
 * Which secrets a run may use, and where each may be sent. A name is handed to a step only when
 * the run's workspace binds it (ops.secret_bindings, for the run's environment or all of them),
 * it is not one of the platform's own names, and the function's environment has a value for it.
 * Values never come from the database; the binding only says who may use a name and its hosts.
 */
import type { Plan, SecretValues } from '../runbook/index.ts'

export type ReadEnv = (name: string) => string | undefined

/** A secret_bindings row of the run's workspace, as the executor reads it. */
export interface SecretBinding {
  name: string
  /** Lowercase host names the value may be sent to. */
  hosts: string[]
  /** The environments the binding covers; null covers every environment. */
  environments: string[] | null
}

/** The platform's own names: never handed to a step, whatever a binding says. */
const PLATFORM_NAME = /^(SUPABASE_|SB_|OPS_)|^DATABASE_URL$/

/**
 * The project's public values, which every client of the project already has (the seeded
 * templates check the project's health with them): handed to any run without a binding, and
 * sent only to the project's own host.
 */
const PROJECT_VALUES: readonly string[] = ['SUPABASE_URL', 'SUPABASE_ANON_KEY']

/** Whether a step may never have `name`: the platform's names, except the project's public values. */
export function isPlatformSecret(name: string): boolean {
  return PLATFORM_NAME.test(name) && !PROJECT_VALUES.includes(name)
}

export const PLATFORM_SECRETS_RULE =
  'names starting with SUPABASE_, SB_ or OPS_, and DATABASE_URL, belong to the platform (of those, only the public SUPABASE_URL and SUPABASE_ANON_KEY are handed out, to the project itself)'

export interface RunSecrets {
  /** The values steps may have, by name: bound, set and not the platform's. */
  values: SecretValues
  /** Where each handed-out secret may be sent: lowercase host names. */
  hosts: Readonly<Record<string, readonly string[]>>
  /** Why each other name the plan uses is not handed out ("is not bound to this workspace"). */
  unavailable: Readonly<Record<string, string>>
  /** Names of the platform the plan asks for (the run is refused for these). */
  platform: string[]
}

/** Every name the plan uses or declares, sorted. */
export function namesIn(plan: Plan): string[] {
  return [...new Set([...plan.secrets, ...plan.requiredSecrets])].sort()
}

/**
 * The secrets of a run of `plan` in environment `env`, given its workspace's bindings for those
 * names. A binding whose environments leave out `env` counts as no binding.
 */
export function runSecrets(plan: Plan, env: string, bindings: readonly SecretBinding[], readEnv: ReadEnv): RunSecrets {
  const values: Record<string, string> = {}
  const hosts: Record<string, readonly string[]> = {}
  const unavailable: Record<string, string> = {}
  const platform: string[] = []
  for (const name of namesIn(plan)) {
    if (isPlatformSecret(name)) {
      platform.push(name)
      continue
    }
    if (PROJECT_VALUES.includes(name)) {
      const value = readEnv(name)
      const projectHost = hostOf(readEnv('SUPABASE_URL'))
      if (value === undefined || value === '' || projectHost === undefined) {
        unavailable[name] = "is not set in the function's environment"
        continue
      }
      values[name] = value
      hosts[name] = [projectHost]
      continue
    }
    const binding = bindings.find((candidate) => candidate.name === name)
    if (!binding) {
      unavailable[name] = 'is not bound to this workspace'
      continue
    }
    if (binding.environments !== null && !binding.environments.includes(env)) {
      const list = binding.environments.length > 0 ? binding.environments.join(', ') : 'no environment'
      unavailable[name] = `is bound to this workspace only for ${list}, not ${env}`
      continue
    }
    const value = readEnv(name)
    if (value === undefined || value === '') {
      unavailable[name] = "is bound but not set in the function's environment"
      continue
    }
    values[name] = value
    hosts[name] = binding.hosts.map((host) => host.toLowerCase())
  }
  return { values, hosts, unavailable, platform }
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).hostname.toLowerCase() : undefined
  } catch {
    return undefined
  }
}

/** "secret A is not bound to this workspace, secret B is not set …": one clause per missing name. */
export function describeUnavailable(secrets: RunSecrets, names: readonly string[]): string {
  return names.map((name) => `secret ${name} ${secrets.unavailable[name] ?? 'is not available'}`).join(', ')
}

/** How the service role binds `name` to a workspace, as a SQL statement to copy. */
export function bindStatement(name: string, workspaceId: string, hosts: readonly string[]): string {
  const hostList = (hosts.length > 0 ? hosts : ['<host it is sent to>']).map((host) => `'${host}'`).join(', ')
  return `select ops.bind_secret('${name}', '${workspaceId}', array[${hostList}])`
}

/** Every value the masker must hide: the secrets and the run's secret-typed inputs. */
export function valuesToMask(secrets: SecretValues, secretInputs: Record<string, unknown>): string[] {
  return [...Object.values(secrets), ...Object.values(secretInputs)]
    .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
    .map(String)
}
