/**
 * HS256 JWTs as Supabase issues them. The local stack signs with the Supabase CLI's local-dev
 * secret, so the well-known local anon and service_role keys verify here exactly as they do
 * under `supabase start`.
 */
import { createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto'
import { isJsonObject } from './json-object.ts'

const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'

/** The payload as the token states it: a JSON object whose claims each reader checks before use. */
export type Claims = Record<string, unknown>

const base64url = (input: Buffer | string) => Buffer.from(input).toString('base64url')

export function signJwt(claims: Claims, secret = JWT_SECRET): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = base64url(JSON.stringify(claims))
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${signature}`
}

// The stack's asymmetric signing key (ES256, P-256): user tokens of a stack in `new` key mode are
// signed with it, and /auth/v1/.well-known/jwks.json publishes its public half. Like the local-dev
// JWT secret above it is fixed and public, for local use only: a project keeps its signing key, so
// sessions (the plugin's stored one included) survive a restart of the stack.
const LOCAL_SIGNING_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'ZkA80ypaYcS0RaloVAH5IfmoeO8iMmlH8FuZFNIFOK0',
  y: 'D6TVENUgt65Ac4TvYwPM6cvd8kWG1QFmo8si4eWgdhA',
  d: 'qwRypitFoctJ4JUCGdGszpM4evLOMfyH0urbHvk_n9Q',
}
const signingKey = {
  privateKey: createPrivateKey({ key: LOCAL_SIGNING_JWK, format: 'jwk' }),
  publicKey: createPublicKey({ key: LOCAL_SIGNING_JWK, format: 'jwk' }),
}
const SIGNING_KEY_ID = 'ops-local-es256-1'

/** The public signing key as a JWK, as Auth's JWKS endpoint and SUPABASE_JWKS give it. */
export const SIGNING_JWK = {
  ...signingKey.publicKey.export({ format: 'jwk' }),
  kid: SIGNING_KEY_ID,
  alg: 'ES256',
  use: 'sig',
  key_ops: ['verify'],
}

/** Signs with the stack's ES256 key (JWS signature: r || s, 64 bytes), naming the key by kid. */
export function signJwtEs256(claims: Claims): string {
  const head = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: SIGNING_KEY_ID }))
  const body = base64url(JSON.stringify(claims))
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key: signingKey.privateKey, dsaEncoding: 'ieee-p1363' })
  return `${head}.${body}.${base64url(signature)}`
}

export type Verified =
  { ok: true; claims: Claims & { exp: number } } | { ok: false; reason: 'malformed' | 'signature' | 'no_exp' | 'expired'; message: string }

/**
 * Checks shape, algorithm, signature and expiry; the message says which one failed. A token must
 * carry a numeric `exp`: one without it would never expire (hosted PostgREST accepts such tokens;
 * the local stack, whose signing secret is public, does not).
 */
export function verifyJwt(token: string, secret = JWT_SECRET, now = Date.now()): Verified {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) {
    return { ok: false, reason: 'malformed', message: `Expected 3 parts in JWT; got ${parts.length}` }
  }
  let header: unknown
  let claims: unknown
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed', message: 'JWT header or payload is not valid JSON' }
  }
  const alg = isJsonObject(header) ? header.alg : undefined
  if (alg !== 'HS256' && alg !== 'ES256') {
    const named = typeof alg === 'string' ? alg : (JSON.stringify(alg) ?? 'undefined')
    return { ok: false, reason: 'malformed', message: `JWT algorithm ${named} is not supported; expected HS256` }
  }
  if (!isJsonObject(claims)) {
    return { ok: false, reason: 'malformed', message: 'JWT payload must be a JSON object' }
  }
  const given = Buffer.from(parts[2], 'base64url')
  if (alg === 'ES256') {
    // Only the stack's own key, named by its kid, as hosted checks a token against the project's JWKS.
    const kid = isJsonObject(header) ? header.kid : undefined
    if (kid !== SIGNING_KEY_ID) return { ok: false, reason: 'signature', message: 'JWT kid is not a signing key of this project' }
    const data = Buffer.from(`${parts[0]}.${parts[1]}`)
    if (!verify('sha256', data, { key: signingKey.publicKey, dsaEncoding: 'ieee-p1363' }, given)) {
      return { ok: false, reason: 'signature', message: 'JWT signature does not match' }
    }
  } else {
    const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest()
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'signature', message: 'JWT signature does not match' }
    }
  }
  const { exp } = claims
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    return { ok: false, reason: 'no_exp', message: 'JWT has no exp claim' }
  }
  if (exp * 1000 <= now) {
    return { ok: false, reason: 'expired', message: 'JWT expired' }
  }
  return { ok: true, claims: { ...claims, exp } }
}

// The Supabase CLI's well-known local keys: the same claims signed with the same secret.
const KEY_EXPIRY = 1983812996
export const ANON_KEY = signJwt({ iss: 'supabase-demo', role: 'anon', exp: KEY_EXPIRY })
export const SERVICE_ROLE_KEY = signJwt({ iss: 'supabase-demo', role: 'service_role', exp: KEY_EXPIRY })
