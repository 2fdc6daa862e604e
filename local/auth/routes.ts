/**
 * /auth/v1: the GoTrue subset supabase-js uses here. Anonymous and email/password sign-up and
 * sign-in, refresh with rotating refresh tokens, the current user and its update (an anonymous
 * user adding an email), logout. Errors use GoTrue's
 * `{code, message}` body (API version 2024-01-01) and status codes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StackContext } from '../context.ts'
import type { Tx } from '../db/database.ts'
import { SIGNING_JWK, verifyJwt, type Claims } from '../jwt.ts'
import { BodyTooLarge, readBody, requestToken, sendEmpty, sendJson } from '../http/respond.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { createSession, rotateRefreshToken, sessionJson, type SignInMethod } from './sessions.ts'
import { findUserByEmail, findUserById, type UserRow, userJson } from './users.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { isJsonObject } from '../json-object.ts'

const REUSE_INTERVAL_MS = 10_000
// auth-js reads error codes from the body only when the response says which API version it speaks.
const API_VERSION = { 'x-supabase-api-version': '2024-01-01' }
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

type Body = Record<string, unknown>

export function createAuthRoutes(context: StackContext) {
  const { db, config } = context
  const issuer = `${context.url}/auth/v1`
  // A project with the new keys signs user tokens with its asymmetric key; a legacy one with the JWT secret.
  const algorithm = context.keyMode === 'new' ? 'ES256' : 'HS256'

  const issue = (tx: Tx, user: UserRow, method: SignInMethod) =>
    createSession(tx, user.id).then((session) => sessionJson(user, session, { issuer, expiresIn: config.jwtExpiry, method, algorithm }))

  async function signUp(body: Body) {
    const email = typeof body.email === 'string' ? body.email.trim() : undefined
    const password = typeof body.password === 'string' ? body.password : undefined
    const data = isJsonObject(body.data) ? body.data : {}
    if (email === undefined && password === undefined) {
      if (!config.anonymousSignIns) throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<UserRow>(
          `insert into auth.users (is_anonymous, raw_app_meta_data, raw_user_meta_data, last_sign_in_at)
           values (true, '{"provider":"anonymous","providers":["anonymous"]}', $1, now()) returning *`,
          [JSON.stringify(data)],
        )
        return issue(tx, rows[0], 'anonymous')
      })
    }
    if (!config.emailSignUps) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance')
    if (!email) throw new AuthError(400, 'validation_failed', 'To signup, please provide your email')
    if (!EMAIL.test(email)) throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format')
    if (!password) throw new AuthError(422, 'weak_password', 'Signup requires a valid password')
    if (password.length < 6) throw new AuthError(422, 'weak_password', 'Password should be at least 6 characters.')
    const encrypted = await hashPassword(password)
    return db.transaction(async (tx) => {
      if (await findUserByEmail(tx, email)) throw new AuthError(422, 'user_already_exists', 'User already registered')
      const { rows } = await tx.query<UserRow>(
        `insert into auth.users (email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, last_sign_in_at)
         values ($1, $2, now(), '{"provider":"email","providers":["email"]}', $3, now()) returning *`,
        [email, encrypted, JSON.stringify(data)],
      )
      return issue(tx, rows[0], 'password')
    })
  }

  async function passwordGrant(body: Body) {
    const email = typeof body.email === 'string' ? body.email.trim() : ''
    const password = typeof body.password === 'string' ? body.password : ''
    if (!email || !password) throw new AuthError(400, 'validation_failed', 'missing email or phone')
    return db.transaction(async (tx) => {
      const user = await findUserByEmail(tx, email)
      if (!user || !(await verifyPassword(password, user.encrypted_password))) {
        throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials')
      }
      const { rows } = await tx.query<UserRow>('update auth.users set last_sign_in_at = now() where id = $1 returning *', [user.id])
      return issue(tx, rows[0], 'password')
    })
  }

  async function refreshGrant(body: Body) {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : ''
    if (!token) throw new AuthError(400, 'validation_failed', 'refresh_token required')
    const outcome = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ token: string; user_id: string; session_id: string; revoked: boolean; updated_at: Date }>(
        'select token, user_id, session_id, revoked, updated_at from auth.refresh_tokens where token = $1 for update',
        [token],
      )
      const parent = rows[0]
      if (!parent) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
      const user = await findUserById(tx, parent.user_id)
      if (!user) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
      let next: string
      if (parent.revoked) {
        // Two tabs refreshing at once both present the same token: within the reuse interval the
        // second gets the session's current token; later, reuse means theft and ends the session
        // (committed before the error is returned).
        const active = await tx.query<{ token: string }>(
          'select token from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1',
          [parent.session_id],
        )
        if (Date.now() - parent.updated_at.getTime() > REUSE_INTERVAL_MS || active.rows.length === 0) {
          await tx.query('update auth.refresh_tokens set revoked = true where session_id = $1', [parent.session_id])
          return 'reused' as const
        }
        next = active.rows[0].token
      } else {
        next = await rotateRefreshToken(tx, parent)
      }
      return sessionJson(
        user,
        { sessionId: parent.session_id, refreshToken: next },
        { issuer, expiresIn: config.jwtExpiry, method: 'token_refresh', algorithm },
      )
    })
    if (outcome === 'reused') throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used')
    return outcome
  }

  /** The signed-in user behind the request's bearer token, or a GoTrue error. */
  function bearerClaims(req: IncomingMessage): Claims & { sub: string } {
    const token = requestToken(req)
    if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token')
    const verified = verifyJwt(token)
    if (!verified.ok) throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${verified.message}`)
    const { sub } = verified.claims
    if (typeof sub !== 'string') throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim')
    return { ...verified.claims, sub }
  }

  /**
   * The token's user, as GoTrue checks it: the user must exist, and so must the session its
   * session_id claim names, so a token of a signed-out session stops working before it expires.
   */
  async function currentUser(req: IncomingMessage) {
    const claims = bearerClaims(req)
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : undefined
    const { user, session } = await db.transaction(async (tx) => ({
      user: await findUserById(tx, claims.sub),
      session:
        sessionId === undefined
          ? true
          : (await tx.query('select 1 from auth.sessions where id::text = $1 and user_id = $2', [sessionId, claims.sub])).rows.length > 0,
    }))
    if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist')
    if (!session) throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist')
    return userJson(user)
  }

  /**
   * PUT /user, as GoTrue's UserUpdate does it for the fields the plugin sends: an anonymous user
   * adds an email (and may set a password in the same request; a password alone is refused) and
   * becomes a permanent user with the same id, so everything it owns stays its own. With email
   * confirmations off (supabase/config.toml, the only mode here) hosted Auth confirms an anonymous
   * user's new email at once: email set and confirmed, is_anonymous false, provider email. A
   * permanent user's email change needs a confirmation email, which the local stack cannot send.
   */
  async function updateUser(req: IncomingMessage, body: Body) {
    const current = await currentUser(req)
    // Providers and roles live in app_metadata: only an admin changes them.
    if (body.app_metadata !== undefined) throw new AuthError(403, 'not_admin', 'Updating app_metadata requires admin privileges')
    const email = typeof body.email === 'string' && body.email.trim() !== '' ? body.email.trim() : undefined
    const password = typeof body.password === 'string' && body.password !== '' ? body.password : undefined
    const data = isJsonObject(body.data) ? body.data : undefined
    if (email !== undefined && !EMAIL.test(email))
      throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format')
    if (password !== undefined && password.length < 6)
      throw new AuthError(422, 'weak_password', 'Password should be at least 6 characters.')
    if (current.is_anonymous && password !== undefined && email === undefined) {
      throw new AuthError(422, 'validation_failed', 'Updating password of an anonymous user without an email or phone is not allowed')
    }
    const encrypted = password === undefined ? undefined : await hashPassword(password)
    const updated = await db.transaction(async (tx) => {
      const user = await findUserById(tx, current.id)
      if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist')
      const changesEmail = email !== undefined && email.toLowerCase() !== (user.email ?? '').toLowerCase()
      if (changesEmail) {
        const taken = await findUserByEmail(tx, email)
        if (taken && taken.id !== user.id) {
          throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered')
        }
        if (!user.is_anonymous) {
          throw new AuthError(
            422,
            'email_change_unavailable',
            'Changing the email of a signed-up user needs a confirmation email, which the local stack does not send',
          )
        }
      }
      if (encrypted !== undefined) await tx.query('update auth.users set encrypted_password = $2 where id = $1', [user.id, encrypted])
      if (data !== undefined) {
        await tx.query('update auth.users set raw_user_meta_data = raw_user_meta_data || $2::jsonb where id = $1', [
          user.id,
          JSON.stringify(data),
        ])
      }
      if (changesEmail) {
        await tx.query(
          `update auth.users set email = $2, email_confirmed_at = now(), is_anonymous = false,
             raw_app_meta_data = raw_app_meta_data || '{"provider":"email","providers":["email"]}'::jsonb
           where id = $1`,
          [user.id, email],
        )
      }
      const { rows } = await tx.query<UserRow>('update auth.users set updated_at = now() where id = $1 returning *', [user.id])
      return rows[0]
    })
    return userJson(updated)
  }

  async function logout(req: IncomingMessage, scope: string) {
    const claims = bearerClaims(req)
    if (!['global', 'local', 'others'].includes(scope)) {
      throw new AuthError(400, 'validation_failed', `scope must be global, local or others, not "${scope}"`)
    }
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null
    await db.transaction(async (tx) => {
      if (scope === 'local') {
        await tx.query('delete from auth.sessions where id = $1', [sessionId])
      } else if (scope === 'others') {
        await tx.query('delete from auth.sessions where user_id = $1 and id is distinct from $2', [claims.sub, sessionId])
      } else {
        await tx.query('delete from auth.sessions where user_id = $1', [claims.sub])
      }
    })
  }

  return async function handleAuth(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    try {
      const route = `${req.method} ${path}`
      switch (route) {
        case 'GET /health':
          return reply(res, 200, {
            version: 'local',
            name: 'GoTrue',
            description: 'GoTrue-compatible auth of the Ops Control Room local stack',
          })
        case 'GET /.well-known/jwks.json':
          // The public keys user tokens are signed with; a legacy project's HS256 secret is not published.
          return reply(res, 200, { keys: context.keyMode === 'new' ? [SIGNING_JWK] : [] })
        case 'GET /settings':
          return reply(res, 200, {
            external: { email: config.emailSignUps, anonymous_users: config.anonymousSignIns },
            disable_signup: !config.emailSignUps,
            mailer_autoconfirm: true,
            phone_autoconfirm: false,
          })
        case 'POST /signup':
          return reply(res, 200, await signUp(await jsonBody(req, context.bodyLimit)))
        case 'POST /token': {
          const grant = query.get('grant_type')
          const body = await jsonBody(req, context.bodyLimit)
          if (grant === 'password') return reply(res, 200, await passwordGrant(body))
          if (grant === 'refresh_token') return reply(res, 200, await refreshGrant(body))
          throw new AuthError(400, 'validation_failed', `unsupported grant_type "${grant ?? ''}"; supported: password, refresh_token`)
        }
        case 'GET /user':
          return reply(res, 200, await currentUser(req))
        case 'PUT /user':
          return reply(res, 200, await updateUser(req, await jsonBody(req, context.bodyLimit)))
        case 'POST /logout':
          await logout(req, query.get('scope') ?? 'global')
          return sendEmpty(res, 204, API_VERSION)
        default:
          throw new AuthError(404, 'not_found', `${req.method} /auth/v1${path} is not served by the local stack`)
      }
    } catch (error) {
      if (error instanceof AuthError) return reply(res, error.status, { code: error.code, message: error.message })
      if (error instanceof BodyTooLarge) {
        return reply(res, 413, { code: 'request_too_large', message: `Request body is over the ${error.limit}-byte limit` })
      }
      return reply(res, 500, { code: 'unexpected_failure', message: errorMessage(error) })
    }
  }
}

function reply(res: ServerResponse, status: number, body: unknown) {
  sendJson(res, status, body, API_VERSION)
}

async function jsonBody(req: IncomingMessage, limit: number): Promise<Body> {
  const raw = (await readBody(req, limit)).toString('utf8')
  if (raw.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON')
  }
  if (!isJsonObject(parsed)) throw new AuthError(400, 'bad_json', 'Request body must be a JSON object')
  return parsed
}
