/**
 * The ops-executor entry under real Deno: the vitest suite test/deno/deno.test.ts starts a local
 * stack and runs this file with `deno test`, passing the function environment a hosted project of
 * the stack's key generation gives (SUPABASE_URL and the new or the legacy key variables).
 */
import { createClient } from '@supabase/supabase-js'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { handler } from '../../supabase/functions/ops-executor/index.ts'
import { projectKeys, serviceHeaders } from '../../supabase/functions/_shared/executor/api-keys.ts'

const env = (name: string) => {
  const value = Deno.env.get(name)
  if (!value) throw new Error(`${name} must be set (the vitest wrapper sets it)`)
  return value
}

function assertEquals(actual: unknown, expected: unknown, what: string) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

// The project's keys as the executor reads them: the new variables first, the legacy ones after.
const keys = () => projectKeys((name) => Deno.env.get(name))

/** A request as supabase-js sends it: the project's public key in apikey, a user's token as Bearer. */
const post = (body: string, token?: string) =>
  new Request(`${env('SUPABASE_URL')}/functions/v1/ops-executor`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', apikey: keys().publicKey, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  })

/** A request as the service role sends it: a secret key in apikey, or the legacy service_role JWT. */
const postAsService = (body: string) =>
  new Request(`${env('SUPABASE_URL')}/functions/v1/ops-executor`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...serviceHeaders(keys().serviceKey) },
  })

Deno.test('answers CORS preflight for a null-origin iframe', async () => {
  const response = await handler(
    new Request('http://localhost/functions/v1/ops-executor', { method: 'OPTIONS', headers: { origin: 'null' } }),
  )
  assertEquals(response.status, 200, 'status')
  assertEquals(response.headers.get('access-control-allow-origin'), '*', 'allow-origin')
  await response.body?.cancel()
})

Deno.test('refuses a caller without a token, and a body that is not JSON', async () => {
  const anonymous = await handler(post('{}'))
  assertEquals(
    [anonymous.status, await anonymous.json()],
    [
      401,
      {
        error:
          'missing credentials: a signed-in user sends Authorization: Bearer <access token>; the service role sends a secret key in the apikey header',
      },
    ],
    'no token',
  )
  const garbage = await handler(postAsService('{not json'))
  assertEquals([garbage.status, await garbage.json()], [400, { error: 'the body must be JSON like {"run_id": "<uuid>"}' }], 'bad body')
})

Deno.test({
  name: 'executes a signed-in user’s run of deploy-web to success',
  // supabase-js keeps a keep-alive connection and timers of its own between calls.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const client = createClient<Database, 'ops'>(env('SUPABASE_URL'), keys().publicKey, {
      db: { schema: 'ops' },
      auth: { persistSession: false, autoRefreshToken: false },
    })
    const { data: session, error: signInError } = await client.auth.signInAnonymously()
    if (signInError || !session.session) throw signInError ?? new Error('no session')
    const { data: run, error } = await client
      .from('runs')
      .insert({ template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'Deno run', inputs: { env: 'staging' } })
      .select('id')
      .single()
    if (error) throw error
    const response = await handler(post(JSON.stringify({ run_id: run.id }), session.session.access_token))
    const report = await response.json()
    assertEquals(response.status, 200, 'status without EdgeRuntime (the handler waits for the run)')
    assertEquals(report.runs, [{ id: run.id, outcome: 'success' }], 'report')
    const { data: finished } = await client.from('runs').select('status').eq('id', run.id).single()
    assertEquals(finished, { status: 'success' }, 'stored status')
  },
})

Deno.test({
  name: 'refuses the token of a signed-out session',
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const client = createClient<Database, 'ops'>(env('SUPABASE_URL'), keys().publicKey, {
      db: { schema: 'ops' },
      auth: { persistSession: false, autoRefreshToken: false },
    })
    const { data: session, error: signInError } = await client.auth.signInAnonymously()
    if (signInError || !session.session) throw signInError ?? new Error('no session')
    const token = session.session.access_token
    await client.auth.signOut()
    const response = await handler(post(JSON.stringify({ run_id: crypto.randomUUID() }), token))
    const body = await response.json()
    assertEquals(response.status, 401, 'status')
    if (!String(body.error).startsWith('the caller is not signed in: ')) throw new Error(`unexpected answer ${JSON.stringify(body)}`)
  },
})
