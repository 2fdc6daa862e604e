/**
 * Which secrets a run may use, and where each may be sent. A name is handed to a step only when
 * the run's workspace binds it (ops.secret_bindings, for the run's environment or all of them),
 * it is not one of the platform's own names, and the function's environment has a value for it.
 * Values never come from the database; the binding only says who may use a name and its hosts.
 */
import type { Plan, SecretValues } from '../runbook/index.ts'
import { referencesIn, type ProjectValue } from '../runbook/interpolation.ts'
import { eachString } from '../runbook/json.ts'
import { LEGACY_ANON_KEY_SETTING, PUBLISHABLE_KEYS_SETTING, publicKeyOf } from './api-keys.ts'

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
 * Where the project's public values (`${{ project.<name> }}`) come from in the function's
 * environment. `project.anon_key` keeps its name (templates use it) and means the project's public
 * key: the default publishable key, else the legacy anon key.
 */
const PROJECT_VARIABLES: Readonly<Record<ProjectValue, string>> = {
  url: 'SUPABASE_URL',
  anon_key: `${PUBLISHABLE_KEYS_SETTING} or ${LEGACY_ANON_KEY_SETTING}`,
}
const projectValueOf = (value: ProjectValue, readEnv: ReadEnv): string | undefined =>
  value === 'anon_key' ? publicKeyOf(readEnv) : readEnv(PROJECT_VARIABLES.url)

/** Whether a step may never have `name` as a secret: the platform's own names. */
export function isPlatformSecret(name: string): boolean {
  return PLATFORM_NAME.test(name)
}

export const PLATFORM_SECRETS_RULE =
  "names starting with SUPABASE_, SB_ or OPS_, and DATABASE_URL, belong to the platform (a template names the project's public URL and anon key as ${{ project.url }} and ${{ project.anon_key }})"

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
  // The project's public values the plan names, for any run, only towards the project's own host.
  const projectValues = projectValuesIn(plan)
  const projectHost = projectValues.length > 0 ? hostOf(projectValueOf('url', readEnv)) : undefined
  for (const value of projectValues) {
    const key = `project.${value}`
    const text = projectValueOf(value, readEnv)
    if (projectHost === undefined || text === undefined || text === '') {
      unavailable[key] = `is not set (${PROJECT_VARIABLES[value]} in the function's environment)`
      continue
    }
    values[key] = text
    hosts[key] = [projectHost]
  }
  return { values, hosts, unavailable, platform }
}

/** The project values (`${{ project.<name> }}`) the template's text of the plan's steps names. */
function projectValuesIn(plan: Plan): ProjectValue[] {
  const named = new Set<ProjectValue>()
  eachString(
    plan.steps.map((step) => step.source),
    [],
    (text) => {
      for (const reference of referencesIn(text)) if (reference.namespace === 'project') named.add(reference.name)
    },
  )
  return [...named].sort()
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
