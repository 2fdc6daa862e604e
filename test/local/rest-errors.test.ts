/** Hostile and malformed REST requests get PostgREST's errors, and the stack keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../local/jwt.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'

describe('REST bad input', () => {
  let stack: TestStack
  let token: string
  beforeAll(async () => {
    stack = await startTestStack('pglite', { bodyLimit: 64 * 1024 })
    token = (await stack.anonymousUser()).accessToken
  })
  afterAll(() => stack.stop())

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/rest/v1${path}`, {
      headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'accept-profile': 'ops', ...headers },
    })
  const expectError = async (response: Response, status: number, body: Record<string, unknown>) => {
    expect(response.status).toBe(status)
    expect(await response.json()).toMatchObject(body)
  }

  it.each([
    [
      'an unknown operator',
      '/runs?status=foo.bar',
      400,
      { code: 'PGRST100', details: 'unknown operator "foo"; expected one of eq, neq, gt, gte, lt, lte, like, ilike, in, is' },
    ],
    ['an operator without a value', '/runs?status=eq', 400, { code: 'PGRST100' }],
    [
      'a bad is value',
      '/runs?intent=is.maybe',
      400,
      { code: 'PGRST100', details: 'is takes null, not_null, true, false or unknown, got "maybe"' },
    ],
    ['an unclosed in list', '/runs?status=in.(a,b', 400, { code: 'PGRST100' }],
    ['SQL in a column name', '/runs?select=id,(select 1)', 400, { code: 'PGRST127' }],
    ['a quote in a column name', '/runs?title"%3Bdrop table ops.runs--=eq.x', 400, { code: 'PGRST100' }],
    ['an unknown column in select', '/runs?select=nope', 400, { code: '42703', message: 'column runs.nope does not exist' }],
    ['an unknown column in a filter', '/runs?nope=eq.1', 400, { code: '42703' }],
    ['an unknown column in order', '/runs?order=nope.desc', 400, { code: '42703' }],
    ['a bad order modifier', '/runs?order=title.sideways', 400, { code: 'PGRST100' }],
    ['a negative limit', '/runs?limit=-1', 400, { code: 'PGRST100' }],
    ['a value of the wrong type', '/runs?id=eq.not-a-uuid', 400, { code: '22P02' }],
    [
      'logical filters',
      '/runs?or=(status.eq.queued,status.eq.running)',
      400,
      { code: 'PGRST127', message: 'Feature not implemented by the local stack: logical filters (or=...)' },
    ],
    ['an unsupported operator', '/runs?title=fts.deploy', 400, { code: 'PGRST127' }],
    ['embedded resources', '/runs?select=id,run_events(seq)', 400, { code: 'PGRST127' }],
    ['an unknown table', '/nope', 404, { code: '42P01', message: 'relation "ops.nope" does not exist' }],
    ['a deep path', '/runs/extra', 404, { code: 'PGRST125' }],
  ])('refuses %s', async (_, path, status, body) => {
    await expectError(await get(path), status, body)
  })

  it('refuses a schema that is not exposed', async () => {
    await expectError(await get('/users', { 'accept-profile': 'auth' }), 406, {
      code: 'PGRST106',
      message: 'The schema must be one of the following: public, graphql_public, ops',
    })
  })

  it('refuses a media type it cannot produce', async () => {
    await expectError(await get('/runs', { accept: 'text/csv' }), 406, { code: 'PGRST107' })
  })

  it.each([
    ['a garbage token', 'garbage', 'PGRST301'],
    [
      'a token signed with another secret',
      signJwt({ role: 'authenticated', sub: 'x', exp: 9999999999 }, 'not-the-secret-not-the-secret-not'),
      'PGRST301',
    ],
    ['an expired token', signJwt({ role: 'authenticated', sub: 'x', exp: 1000 }), 'PGRST303'],
    ['an unknown role', signJwt({ role: 'postgres', exp: 9999999999 }), 'PGRST301'],
  ])('refuses %s with 401', async (_, bad, code) => {
    const response = await get('/runs', { authorization: `Bearer ${bad}` })
    expect(response.status).toBe(401)
    expect((await response.json()).code).toBe(code)
  })

  it('says why in WWW-Authenticate when the token expired', async () => {
    const response = await get('/runs', { authorization: `Bearer ${signJwt({ role: 'authenticated', sub: 'x', exp: 1000 })}` })
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="JWT expired"')
  })

  it('refuses a request without any key', async () => {
    const response = await fetch(`${stack.url}/rest/v1/runs`)
    await expectError(response, 401, { message: 'No API key found in request' })
  })

  it('refuses a body over the limit with 413, and malformed JSON with PGRST102', async () => {
    const post = (body: string) =>
      fetch(`${stack.url}/rest/v1/runs`, {
        method: 'POST',
        body,
        headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'content-profile': 'ops', 'content-type': 'application/json' },
      })
    await expectError(await post(JSON.stringify({ title: 'x'.repeat(100 * 1024) })), 413, { code: 'PGRST413' })
    await expectError(await post('{"title": '), 400, { code: 'PGRST102' })
    await expectError(await post('[1, 2]'), 400, { code: 'PGRST102' })
    await expectError(await post('[{"title":"a"},{"env":"staging"}]'), 400, { code: 'PGRST102', message: 'All object keys must match' })
    await expectError(await post('{"title":"a","nope":1}'), 400, {
      code: 'PGRST204',
      message: "Could not find the 'nope' column of 'runs' in the schema cache",
    })
  })

  it('answers CORS preflight for a null-origin iframe', async () => {
    const response = await fetch(`${stack.url}/rest/v1/runs`, {
      method: 'OPTIONS',
      headers: {
        origin: 'null',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, content-profile, prefer',
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const allowed = response.headers.get('access-control-allow-headers') ?? ''
    for (const header of [
      'accept-profile',
      'content-profile',
      'prefer',
      'x-client-info',
      'apikey',
      'authorization',
      'content-type',
      'x-supabase-api-version',
    ]) {
      expect(allowed).toContain(header)
    }
  })

  it('keeps serving after all of that', async () => {
    const { data, error } = await stack.client().auth.signInAnonymously()
    expect(error).toBeNull()
    const response = await get('/run_templates?select=slug&order=slug', { authorization: `Bearer ${data.session!.access_token}` })
    expect(await response.json()).toEqual([{ slug: 'deploy-web' }, { slug: 'incident-open' }])
  })
})
