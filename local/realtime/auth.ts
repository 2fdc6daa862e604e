/**
 * Turning a token (the socket's apikey, a join's access_token or a later access_token message)
 * into the claims every RLS check of that channel runs with.
 */
import type { Verified } from '../jwt.ts'
import type { JwtClaims } from '../db/database.ts'
import { API_ROLES, isApiRole } from '../db/database.ts'

export type Authorized =
  | { ok: true; token: string; claims: JwtClaims; /** ms since the epoch (every accepted token has exp) */ expiresAt: number }
  | { ok: false; message: string }

export function authorize(verify: (token: string) => Verified, token: unknown): Authorized {
  if (typeof token !== 'string' || token === '') return { ok: false, message: 'No token: send an apikey or access_token' }
  const verified = verify(token)
  if (!verified.ok) {
    return { ok: false, message: verified.reason === 'expired' ? 'Token has expired' : `Invalid token: ${verified.message}` }
  }
  const role = verified.claims.role
  if (!isApiRole(role)) {
    return { ok: false, message: `Invalid token: role ${JSON.stringify(role ?? null)} is not one of ${API_ROLES.join(', ')}` }
  }
  return { ok: true, token, claims: { ...verified.claims, role }, expiresAt: verified.claims.exp * 1000 }
}

/** Claims with sorted keys: subscribers whose claims are equal share one RLS query. */
export function claimsKey(claims: JwtClaims): string {
  return stableJson(claims)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(Reflect.get(value, key))}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
