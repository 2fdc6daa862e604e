/**
 * Sessions and tokens: a session row, a rotating refresh token chain, and an access token that
 * carries the claims Supabase puts there.
 */
import { randomBytes } from 'node:crypto'
import type { Tx } from '../db/database.ts'
import { signJwt, signJwtEs256 } from '../jwt.ts'
import { type UserRow, userJson } from './users.ts'

export type SignInMethod = 'password' | 'anonymous' | 'token_refresh'

const newRefreshToken = () => randomBytes(18).toString('base64url')

export async function createSession(tx: Tx, userId: string): Promise<{ sessionId: string; refreshToken: string }> {
  const { rows } = await tx.query<{ id: string }>('insert into auth.sessions (user_id) values ($1) returning id', [userId])
  const refreshToken = newRefreshToken()
  await tx.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)', [refreshToken, userId, rows[0].id])
  return { sessionId: rows[0].id, refreshToken }
}

/** Revokes `parent` and issues its child in the same session, as GoTrue's rotation does. */
export async function rotateRefreshToken(tx: Tx, parent: { token: string; user_id: string; session_id: string }): Promise<string> {
  await tx.query('update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1', [parent.token])
  const child = newRefreshToken()
  await tx.query('insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)', [
    child,
    parent.user_id,
    parent.session_id,
    parent.token,
  ])
  return child
}

export interface SessionJson {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  expires_at: number
  refresh_token: string
  user: ReturnType<typeof userJson>
}

export function sessionJson(
  user: UserRow,
  session: { sessionId: string; refreshToken: string },
  options: { issuer: string; expiresIn: number; method: SignInMethod; algorithm?: 'HS256' | 'ES256' },
): SessionJson {
  const now = Math.floor(Date.now() / 1000)
  const expiresAt = now + options.expiresIn
  const accessToken = (options.algorithm === 'ES256' ? signJwtEs256 : signJwt)({
    iss: options.issuer,
    sub: user.id,
    aud: user.aud,
    exp: expiresAt,
    iat: now,
    email: user.email ?? '',
    phone: '',
    app_metadata: user.raw_app_meta_data,
    user_metadata: user.raw_user_meta_data,
    role: user.role,
    aal: 'aal1',
    amr: [{ method: options.method, timestamp: now }],
    session_id: session.sessionId,
    is_anonymous: user.is_anonymous,
  })
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: options.expiresIn,
    expires_at: expiresAt,
    refresh_token: session.refreshToken,
    user: userJson(user),
  }
}
