/**
 * The stack's API keys, in either generation, and the gateway step that turns a key into the role
 * it stands for, as Supabase's API gateway does.
 *
 * - `legacy`: the anon and service_role JWTs (the Supabase CLI's well-known local keys) are the
 *   API keys; REST, Auth and Realtime read them as JWTs.
 * - `new` (the default): a project created today with its legacy keys turned off. The API keys are
 *   a publishable and a secret key (the CLI's fixed local-dev values); they are not JWTs and travel
 *   in the `apikey` header. The gateway stands in the role's JWT for a request to REST, Auth or Realtime
 *   whose Authorization is absent or repeats the key (supabase-js sends the key in both headers);
 *   a user's JWT in Authorization still decides the role. A legacy key is refused with hosted's
 *   "Legacy API keys are disabled". Functions get the request as sent: the function checks keys.
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ANON_KEY, SERVICE_ROLE_KEY, SIGNING_JWK, verifyJwt, type Verified } from './jwt.ts'

export type KeyMode = 'legacy' | 'new'

const KEY_MODES: readonly KeyMode[] = ['new', 'legacy']

/** What the stack runs like unless told otherwise: a project created today. */
export const DEFAULT_KEY_MODE: KeyMode = 'new'

/** The Supabase CLI's local-dev publishable and secret keys: public, for local use only. */
export const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH'
export const LOCAL_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'

export interface StackKeys {
  mode: KeyMode
  /** What a browser client is given: the publishable key, or the legacy anon JWT. */
  anonKey: string
  /** What a server is given: the secret key, or the legacy service_role JWT. */
  serviceRoleKey: string
  /**
   * The function environment's key variables, as a hosted project of this generation sets them.
   * A new project's functions still get the legacy SUPABASE_ANON_KEY / SUPABASE_SERVICE_ROLE_KEY
   * (Supabase lists them among every function's default secrets); with the legacy keys turned off
   * they are refused wherever they are presented.
   */
  functionEnv: Record<string, string>
}

export function stackKeys(mode: KeyMode): StackKeys {
  if (mode === 'legacy') {
    return {
      mode,
      anonKey: ANON_KEY,
      serviceRoleKey: SERVICE_ROLE_KEY,
      functionEnv: { SUPABASE_ANON_KEY: ANON_KEY, SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY },
    }
  }
  return {
    mode,
    anonKey: LOCAL_PUBLISHABLE_KEY,
    serviceRoleKey: LOCAL_SECRET_KEY,
    functionEnv: {
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: LOCAL_PUBLISHABLE_KEY }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: LOCAL_SECRET_KEY }),
      SUPABASE_JWKS: JSON.stringify({ keys: [SIGNING_JWK] }),
      SUPABASE_ANON_KEY: ANON_KEY,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    },
  }
}

/** A key mode's name from a command line or environment setting; the message lists the valid ones. */
export function parseKeyMode(text: string, where: string): KeyMode {
  const mode = KEY_MODES.find((candidate) => candidate === text)
  if (!mode) throw new Error(`${where} must be one of ${KEY_MODES.join(', ')}; got ${JSON.stringify(text)}`)
  return mode
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** The role JWT a new-generation key stands for, or undefined when `key` is not one of the stack's. */
function roleTokenOf(key: string): string | undefined {
  if (same(key, LOCAL_SECRET_KEY)) return SERVICE_ROLE_KEY
  if (same(key, LOCAL_PUBLISHABLE_KEY)) return ANON_KEY
  return undefined
}

const LEGACY_DISABLED = 'Legacy API keys are disabled: use the publishable or secret key in the apikey header'

export type GatewayCheck = { ok: true } | { ok: false; status: number; message: string }

/**
 * The gateway's step for REST and Auth: in `new` mode, replaces the request's API key by its
 * role's JWT (in both headers, as the services read them), or refuses the request.
 */
export function admitApiKey(req: IncomingMessage, mode: KeyMode): GatewayCheck {
  if (mode === 'legacy') return { ok: true }
  const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey.trim() : ''
  const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : ''
  const bearer = /^bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim()
  if (apikey === '') return { ok: true } // the service answers "No API key found in request" itself
  if (same(apikey, ANON_KEY) || same(apikey, SERVICE_ROLE_KEY)) {
    return { ok: false, status: 401, message: LEGACY_DISABLED }
  }
  const roleToken = roleTokenOf(apikey)
  if (!roleToken) return { ok: false, status: 401, message: 'Invalid API key: the apikey header holds no key of this project' }
  req.headers.apikey = roleToken
  if (bearer === undefined || bearer === apikey) req.headers.authorization = `Bearer ${roleToken}`
  return { ok: true }
}

/**
 * How Realtime verifies a token (the socket's apikey, a join's access_token): in `new` mode a
 * project key stands for its role's JWT and a legacy key is refused; a user's JWT is itself.
 */
export function tokenVerifier(mode: KeyMode): (token: string) => Verified {
  if (mode === 'legacy') return (token) => verifyJwt(token)
  return (token) => {
    if (same(token, ANON_KEY) || same(token, SERVICE_ROLE_KEY)) return { ok: false, reason: 'signature', message: LEGACY_DISABLED }
    return verifyJwt(roleTokenOf(token) ?? token)
  }
}
