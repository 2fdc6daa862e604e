/**
 * The project's API keys as the function's environment gives them. A project created today has
 * publishable and secret keys (`sb_publishable_…`, `sb_secret_…`), handed to Edge Functions as
 * SUPABASE_PUBLISHABLE_KEYS and SUPABASE_SECRET_KEYS: JSON objects of keys by name, the one named
 * `default` first. Older projects (and the local stack's legacy mode) have the JWT keys
 * SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY. The new variables win; the legacy ones are the
 * fallback.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

export const PUBLISHABLE_KEYS_SETTING = 'SUPABASE_PUBLISHABLE_KEYS'
const SECRET_KEYS_SETTING = 'SUPABASE_SECRET_KEYS'
export const LEGACY_ANON_KEY_SETTING = 'SUPABASE_ANON_KEY'
const LEGACY_SERVICE_KEY_SETTING = 'SUPABASE_SERVICE_ROLE_KEY'

/** A new-generation API key: not a JWT, sent in the `apikey` header only. */
const NEW_API_KEY = /^sb_(publishable|secret)_/

export class ApiKeySettingError extends Error {}

export interface ProjectKeys {
  /** The key the executor's own clients use: the `default` secret key, else the legacy service_role key. */
  serviceKey: string
  /** The project's public key: the `default` publishable key, else the legacy anon key. */
  publicKey: string
  /** Every secret key by which a caller is the service role: all of SUPABASE_SECRET_KEYS. */
  secretKeys: readonly string[]
  /** The legacy service_role JWT, when the environment has one: a caller may present it as a Bearer token. */
  legacyServiceKey?: string
}

/**
 * The keys of a SUPABASE_*_KEYS variable by name; undefined when it is unset or empty. Throws
 * with the variable's name when it is not a JSON object of non-empty strings.
 */
function keysByName(setting: string, text: string | undefined): Map<string, string> | undefined {
  if (text === undefined || text.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ApiKeySettingError(`${setting} must be a JSON object of keys by name, like {"default": "sb_..."}; it is not valid JSON`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiKeySettingError(`${setting} must be a JSON object of keys by name, like {"default": "sb_..."}`)
  }
  const keys = new Map<string, string>()
  for (const [name, key] of Object.entries(parsed)) {
    if (typeof key !== 'string' || key === '')
      throw new ApiKeySettingError(`${setting}: the key named "${name}" must be a non-empty string`)
    keys.set(name, key)
  }
  return keys.size > 0 ? keys : undefined
}

/** The key named `default`, else the only key; a dictionary of several keys needs a `default`. */
function defaultKey(setting: string, text: string | undefined): string | undefined {
  const keys = keysByName(setting, text)
  if (!keys) return undefined
  const named = keys.get('default')
  if (named !== undefined) return named
  if (keys.size === 1) return [...keys.values()][0]
  throw new ApiKeySettingError(`${setting} has several keys and none named "default"; name the one the executor uses "default"`)
}

/** The project's public key (`${{ project.anon_key }}`): the default publishable key, else SUPABASE_ANON_KEY. */
export function publicKeyOf(readEnv: (name: string) => string | undefined): string | undefined {
  return defaultKey(PUBLISHABLE_KEYS_SETTING, readEnv(PUBLISHABLE_KEYS_SETTING)) || readEnv(LEGACY_ANON_KEY_SETTING) || undefined
}

/** The keys the executor needs; throws naming the variables when one generation is incomplete. */
export function projectKeys(readEnv: (name: string) => string | undefined): ProjectKeys {
  const secretKeys = [...(keysByName(SECRET_KEYS_SETTING, readEnv(SECRET_KEYS_SETTING))?.values() ?? [])]
  const legacyServiceKey = readEnv(LEGACY_SERVICE_KEY_SETTING) || undefined
  const serviceKey = defaultKey(SECRET_KEYS_SETTING, readEnv(SECRET_KEYS_SETTING)) ?? legacyServiceKey
  const publicKey = publicKeyOf(readEnv)
  if (!serviceKey || !publicKey) {
    const missing = [
      ...(serviceKey ? [] : [`${SECRET_KEYS_SETTING} (or the legacy ${LEGACY_SERVICE_KEY_SETTING})`]),
      ...(publicKey ? [] : [`${PUBLISHABLE_KEYS_SETTING} (or the legacy ${LEGACY_ANON_KEY_SETTING})`]),
    ]
    throw new ApiKeySettingError(`${missing.join(' and ')} must be set in the function environment`)
  }
  return { serviceKey, publicKey, secretKeys, legacyServiceKey }
}

/**
 * Whether `given` equals `expected`, in time that depends on neither: both are hashed to the same
 * length first, so neither the content nor the length of a key leaks through timing.
 */
export function sameKey(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length
}

/** Whether `given` is one of `keys`; compares with every key, whichever matches. */
export function isOneOf(given: string, keys: readonly string[]): boolean {
  let found = false
  for (const key of keys) found = sameKey(given, key) || found
  return found
}

/**
 * The headers with which the executor calls its own project (e.g. itself, to continue a run):
 * a new secret key travels in `apikey` only (it is not a JWT); a legacy service_role JWT in both.
 */
export function serviceHeaders(serviceKey: string): Record<string, string> {
  return NEW_API_KEY.test(serviceKey) ? { apikey: serviceKey } : { apikey: serviceKey, authorization: `Bearer ${serviceKey}` }
}

/**
 * Whether the project's API gateway still accepts a legacy JWT key. Supabase keeps giving
 * functions SUPABASE_ANON_KEY / SUPABASE_SERVICE_ROLE_KEY after the legacy keys are turned off,
 * when calls with them fail with 401 ("Legacy API keys are disabled"); the function's environment
 * alone cannot tell. Auth's settings endpoint is the smallest call that goes through the gateway's
 * key check; anything but a success counts as "not accepted".
 */
export async function legacyKeyAccepted(projectUrl: string, legacyKey: string): Promise<boolean> {
  try {
    const response = await fetch(`${projectUrl.replace(/\/$/, '')}/auth/v1/settings`, {
      headers: { apikey: legacyKey, authorization: `Bearer ${legacyKey}` },
    })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}
