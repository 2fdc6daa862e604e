/**
 * The local stack with the new API keys (`keys: 'new'`), as a project created today with its legacy
 * keys turned off: the publishable key acts as anon and the secret key as service_role in REST and
 * Auth, through the real supabase-js client; a user's JWT still decides the role; legacy keys and
 * unknown keys are refused; functions get SUPABASE_PUBLISHABLE_KEYS / SUPABASE_SECRET_KEYS.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../local/jwt.ts'
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../local/api-keys.ts'
import { createRun, runOf, waitFor } from '../support/executor.ts'

describe.each(engines)('local stack with the new API keys on %s', (engine) => {
  let stack: TestStack

  beforeAll(async () => {
    stack = await startTestStack(engine, { keys: 'new', drainIntervalMs: 100 })
  })
  afterAll(() => stack.stop())

  const rest = (path: string, headers: Record<string, string>) =>
    fetch(`${stack.url}/rest/v1/${path}`, { headers: { 'accept-profile': 'ops', ...headers } })

  it('hands out the publishable and secret keys, and gives functions the new variables and the (turned off) legacy ones', () => {
    expect([stack.keyMode, stack.anonKey, stack.serviceRoleKey]).toEqual(['new', LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY])
    expect(JSON.parse(process.env.SUPABASE_SECRET_KEYS ?? '{}')).toEqual({ default: LOCAL_SECRET_KEY })
    expect(JSON.parse(process.env.SUPABASE_PUBLISHABLE_KEYS ?? '{}')).toEqual({ default: LOCAL_PUBLISHABLE_KEY })
    // Hosted still lists the legacy keys among every function's default secrets; here they are turned off.
    expect([process.env.SUPABASE_ANON_KEY, process.env.SUPABASE_SERVICE_ROLE_KEY]).toEqual([ANON_KEY, SERVICE_ROLE_KEY])
    expect(JSON.parse(process.env.SUPABASE_JWKS ?? '{}').keys).toHaveLength(1)
  })

  it('signs a user in with the publishable key; their JWT decides the role, the secret key acts as service_role', async () => {
    const owner = await stack.anonymousUser()
    const other = await stack.anonymousUser()
    const runId = await createRun(owner.client, { template: 'deploy-web', inputs: { env: 'production' } })
    // The other user's JWT beside the publishable key: RLS hides the run.
    const { data: hidden } = await other.client.from('runs').select('id').eq('id', runId)
    expect(hidden).toEqual([])
    // The secret key alone in apikey (no Authorization) is the service role.
    const asService = await rest(`runs?id=eq.${runId}&select=id`, { apikey: LOCAL_SECRET_KEY })
    expect([asService.status, await asService.json()]).toEqual([200, [{ id: runId }]])
    // The publishable key alone is anon, which has no grant on runs.
    const asAnon = await rest(`runs?id=eq.${runId}&select=id`, { apikey: LOCAL_PUBLISHABLE_KEY })
    expect(await asAnon.json()).toMatchObject({ code: '42501', message: 'permission denied for table runs' })
    // The drain (secret key in apikey) reaches the executor, which parks the production deploy.
    const parked = await waitFor(async () => {
      const run = await runOf(owner.client, runId)
      return run.status === 'waiting_approval' ? run : undefined
    }, 'the drain to execute the run')
    expect(parked.current_step).toBe('policy-approval')
  })

  it('signs user tokens with ES256 under a key its JWKS endpoint and SUPABASE_JWKS publish', async () => {
    const { accessToken, client } = await stack.anonymousUser()
    const [head, body, signature] = accessToken.split('.')
    const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg: string; kid: string }
    expect(header.alg).toBe('ES256')
    const jwks = (await (await fetch(`${stack.url}/auth/v1/.well-known/jwks.json`)).json()) as { keys: (JsonWebKey & { kid: string })[] }
    expect(jwks.keys.map((key) => [key.kid, key.alg, key.kty, key.crv])).toEqual([[header.kid, 'ES256', 'EC', 'P-256']])
    expect(jwks.keys[0]).not.toHaveProperty('d')
    expect(JSON.parse(process.env.SUPABASE_JWKS ?? '{}')).toEqual(jwks)
    const publicKey = createPublicKey({ key: jwks.keys[0], format: 'jwk' })
    const data = Buffer.from(`${head}.${body}`)
    const valid = verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))
    expect(valid).toBe(true)
    // REST and Auth take the token.
    expect((await client.auth.getUser(accessToken)).error).toBeNull()
    expect((await client.from('workspaces').select('id')).error).toBeNull()
    // A token signed by another ES256 key under the same kid is refused.
    const forged = `${head}.${body}.${Buffer.from(signature, 'base64url').reverse().toString('base64url')}`
    const refused = await rest('runs?select=id', { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${forged}` })
    expect(refused.status).toBe(401)
  })

  it('refuses the legacy keys and keys that are not the project’s', async () => {
    for (const legacy of [ANON_KEY, SERVICE_ROLE_KEY]) {
      const response = await rest('runs?select=id', { apikey: legacy, authorization: `Bearer ${legacy}` })
      expect([response.status, await response.json()]).toEqual([
        401,
        { message: 'Legacy API keys are disabled: use the publishable or secret key in the apikey header' },
      ])
    }
    const guessed = await rest('runs?select=id', { apikey: 'sb_secret_guessed' })
    expect([guessed.status, await guessed.json()]).toEqual([
      401,
      { message: 'Invalid API key: the apikey header holds no key of this project' },
    ])
    const signUp = await fetch(`${stack.url}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: ANON_KEY, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(signUp.status).toBe(401)
  })
})
