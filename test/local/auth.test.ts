import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../local/jwt.ts'
import { stackModes } from '../support/key-modes.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { createRun } from '../support/executor.ts'

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))

describe.each(stackModes)('auth on %s with %s API keys, through supabase-js', (engine, keys) => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack(engine, { keys })
  })
  afterAll(() => stack.stop())

  it('signs in anonymously with the claims Supabase puts in the token', async () => {
    const client = stack.client()
    const { data, error } = await client.auth.signInAnonymously()
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ aud: 'authenticated', role: 'authenticated', is_anonymous: true })
    const claims = decode(data.session!.access_token)
    expect(claims).toMatchObject({
      sub: data.user!.id,
      role: 'authenticated',
      aud: 'authenticated',
      aal: 'aal1',
      is_anonymous: true,
      iss: `${stack.url}/auth/v1`,
      session_id: expect.any(String),
      amr: [{ method: 'anonymous', timestamp: expect.any(Number) }],
    })
    expect(claims.exp - claims.iat).toBe(3600)
    const { data: me } = await client.auth.getUser()
    expect(me.user?.id).toBe(data.user!.id)
  })

  it('turns an anonymous user into an email user with the same id: its runs are still its own after signing in with the email', async () => {
    const guest = await stack.anonymousUser()
    const runId = await createRun(guest.client, { template: 'deploy-web', inputs: { env: 'staging' } })
    const email = `guest-${guest.userId.slice(0, 8)}@example.com`
    const { data, error } = await guest.client.auth.updateUser({ email, password: 'correct horse' })
    expect(error).toBeNull()
    // Email confirmations are off (supabase/config.toml): hosted Auth confirms a guest's address at once.
    expect(data.user).toMatchObject({ id: guest.userId, email, is_anonymous: false, app_metadata: { provider: 'email' } })
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
    await guest.client.auth.signOut()

    const later = stack.client()
    const signedIn = await later.auth.signInWithPassword({ email, password: 'correct horse' })
    expect(signedIn.error).toBeNull()
    expect(signedIn.data.user?.id).toBe(guest.userId)
    expect(decode(signedIn.data.session!.access_token)).toMatchObject({ sub: guest.userId, is_anonymous: false, email })
    const { data: runs } = await later.from('runs').select('id, created_by').eq('id', runId)
    expect(runs).toEqual([{ id: runId, created_by: guest.userId }])
  })

  it('refuses a guest’s password without an email, an address someone else has, and a malformed address, as hosted Auth does', async () => {
    const taken = `taken-${Date.now()}@example.com`
    expect((await stack.client().auth.signUp({ email: taken, password: 'correct horse' })).error).toBeNull()
    const guest = await stack.anonymousUser()
    expect((await guest.client.auth.updateUser({ password: 'correct horse' })).error).toMatchObject({
      status: 422,
      code: 'validation_failed',
      message: 'Updating password of an anonymous user without an email or phone is not allowed',
    })
    expect((await guest.client.auth.updateUser({ email: taken.toUpperCase() })).error).toMatchObject({
      status: 422,
      code: 'email_exists',
      message: 'A user with this email address has already been registered',
    })
    expect((await guest.client.auth.updateUser({ email: 'not-an-address' })).error).toMatchObject({
      status: 400,
      code: 'validation_failed',
    })
    // A user cannot name its own provider or role.
    const forged = await fetch(`${stack.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${guest.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `forged-${Date.now()}@example.com`, app_metadata: { provider: 'email', role: 'admin' } }),
    })
    expect([forged.status, await forged.json()]).toEqual([
      403,
      { code: 'not_admin', message: 'Updating app_metadata requires admin privileges' },
    ])
    // Nothing of that changed the guest.
    const { data } = await guest.client.auth.getUser()
    expect(data.user).toMatchObject({ id: guest.userId, email: '', is_anonymous: true })
  })

  it('signs up with email and password, then signs in; a wrong password is refused', async () => {
    const signUp = await stack
      .client()
      .auth.signUp({ email: 'Ada@Example.com', password: 'correct horse', options: { data: { name: 'Ada' } } })
    expect(signUp.error).toBeNull()
    expect(signUp.data.user).toMatchObject({ email: 'Ada@Example.com', is_anonymous: false, user_metadata: { name: 'Ada' } })
    expect(signUp.data.session?.access_token).toEqual(expect.any(String))

    const signIn = await stack.client().auth.signInWithPassword({ email: 'ada@example.com', password: 'correct horse' })
    expect(signIn.error).toBeNull()
    expect(signIn.data.user?.id).toBe(signUp.data.user!.id)
    expect(decode(signIn.data.session!.access_token).amr[0].method).toBe('password')

    const wrong = await stack.client().auth.signInWithPassword({ email: 'ada@example.com', password: 'wrong horse' })
    expect(wrong.data.session).toBeNull()
    expect(wrong.error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' })
  })

  it.each([
    ['an existing email', { email: 'twice@example.com', password: 'secret123' }, 422, 'user_already_exists'],
    ['a short password', { email: 'short@example.com', password: '123' }, 422, 'weak_password'],
    ['a malformed email', { email: 'not-an-email', password: 'secret123' }, 400, 'validation_failed'],
  ])('refuses sign-up with %s', async (_, credentials, status, code) => {
    await stack.client().auth.signUp({ email: 'twice@example.com', password: 'secret123' })
    const { error } = await stack.client().auth.signUp(credentials)
    expect(error).toMatchObject({ status, code })
  })

  it('refreshes with a rotating refresh token; the old one works only within the reuse window', async () => {
    const client = stack.client()
    const { data } = await client.auth.signInAnonymously()
    const first = data.session!
    const { data: refreshed, error } = await client.auth.refreshSession()
    expect(error).toBeNull()
    expect(refreshed.session!.refresh_token).not.toBe(first.refresh_token)
    expect(decode(refreshed.session!.access_token).session_id).toBe(decode(first.access_token).session_id)

    // Another tab presenting the parent token right away gets the session's current token.
    const again = await stack.client().auth.refreshSession({ refresh_token: first.refresh_token })
    expect(again.error).toBeNull()
    expect(again.data.session!.refresh_token).toBe(refreshed.session!.refresh_token)

    // Long after, reusing a spent token looks like theft: refused, and the session is ended.
    await stack.db.query("update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1", [first.refresh_token])
    const stolen = await stack.client().auth.refreshSession({ refresh_token: first.refresh_token })
    expect(stolen.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
    const current = await stack.client().auth.refreshSession({ refresh_token: refreshed.session!.refresh_token })
    expect(current.error).toMatchObject({ code: 'refresh_token_already_used' })
  })

  it('refuses an unknown refresh token', async () => {
    const { error } = await stack.client().auth.refreshSession({ refresh_token: 'made-up' })
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
  })

  it('refuses an expired or forged token for /user', async () => {
    const { userId } = await stack.anonymousUser()
    const now = Math.floor(Date.now() / 1000)
    const expired = signJwt({ sub: userId, role: 'authenticated', aud: 'authenticated', exp: now - 10 })
    const forged = signJwt(
      { sub: userId, role: 'authenticated', aud: 'authenticated', exp: now + 600 },
      'another-secret-that-is-also-long-enough',
    )
    for (const token of [expired, forged, 'garbage']) {
      const { data, error } = await stack.client().auth.getUser(token)
      expect(data.user).toBeNull()
      expect(error).toMatchObject({ status: 403, code: 'bad_jwt' })
    }
  })

  it('signs out: the refresh token stops working', async () => {
    const client = stack.client()
    const { data } = await client.auth.signInAnonymously()
    const { error } = await client.auth.signOut()
    expect(error).toBeNull()
    const { error: refreshError } = await stack.client().auth.refreshSession({ refresh_token: data.session!.refresh_token })
    expect(refreshError).toMatchObject({ code: 'refresh_token_not_found' })
  })

  it('refuses the access token of a signed-out session for /user, as GoTrue does; other sessions keep working', async () => {
    const client = stack.client()
    const { data } = await client.auth.signInAnonymously()
    const token = data.session!.access_token
    const other = await stack.client().auth.signInWithPassword({ email: 'twice@example.com', password: 'secret123' })
    expect((await stack.client().auth.getUser(token)).data.user?.id).toBe(data.user!.id)
    expect((await client.auth.signOut({ scope: 'local' })).error).toBeNull()
    const raw = await fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey, authorization: `Bearer ${token}` } })
    expect(raw.status).toBe(403)
    expect(await raw.json()).toEqual({ code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' })
    // supabase-js turns that code into its "session missing" error, as against hosted Auth.
    const { data: after, error } = await stack.client().auth.getUser(token)
    expect(after.user).toBeNull()
    expect(error?.name).toBe('AuthSessionMissingError')
    // Signing one session out leaves another user's (and another session's) token alone.
    expect((await stack.client().auth.getUser(other.data.session!.access_token)).error).toBeNull()
  })

  it('answers with GoTrue errors for bad bodies and unknown grants', async () => {
    const post = (path: string, body: string) =>
      fetch(`${stack.url}/auth/v1${path}`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
        body,
      })
    const bad = await post('/signup', '{not json')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ code: 'bad_json', message: 'Could not parse request body as JSON' })
    const grant = await post('/token?grant_type=magic', '{}')
    expect(await grant.json()).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('magic') })
    const huge = await post('/signup', JSON.stringify({ data: { blob: 'x'.repeat(5 * 1024 * 1024) } }))
    expect(huge.status).toBe(413)
  })
})

describe('auth with anonymous sign-ins disabled', () => {
  it('refuses anonymous sign-in with anonymous_provider_disabled', async () => {
    const stack = await startTestStack('pglite', { configure: (config) => ({ ...config, anonymousSignIns: false }) })
    try {
      const { error } = await stack.client().auth.signInAnonymously()
      expect(error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled' })
    } finally {
      await stack.stop()
    }
  })
})
