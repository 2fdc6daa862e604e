import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../local/jwt.ts'
import { engines } from '../support/databases.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))

describe.each(engines)('auth on %s, through supabase-js', (engine) => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack(engine)
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
