import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { signJwt } from '../../local/jwt.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { keyModes } from '../support/key-modes.ts'

const functionsDir = fileURLToPath(new URL('../fixtures/functions', import.meta.url))

describe.each(keyModes)('Edge Functions on the local stack with %s API keys, through supabase-js', (keys) => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack('pglite', {
      keys,
      functionsDir,
      configure: (config) => ({
        ...config,
        functions: {
          echo: { verifyJwt: true, enabled: true },
          'public-echo': { verifyJwt: false, enabled: true },
          broken: { verifyJwt: false, enabled: true },
          disabled: { verifyJwt: false, enabled: false },
        },
      }),
    })
  })
  afterAll(() => stack.stop())

  it('invokes a function with the JSON body and the caller’s token, and the platform environment', async () => {
    const { client, accessToken } = await stack.anonymousUser()
    const legacy = stack.keyMode === 'legacy'
    const { data, error } = await client.functions.invoke('echo', { body: { run_id: 'abc' } })
    expect(error).toBeNull()
    expect(data).toEqual({
      method: 'POST',
      path: '/functions/v1/echo',
      authorization: `Bearer ${accessToken}`,
      body: { run_id: 'abc' },
      // The key variables of the stack's generation (local/api-keys.ts), as a hosted project sets them.
      // A new project's functions still get the legacy variables (turned off, so refused where presented).
      env: { url: stack.url, anon: true, service: true, publishable: !legacy, secret: !legacy },
    })
  })

  it('requires a valid JWT when verify_jwt is on, and not when it is off', async () => {
    const noAuth = await fetch(`${stack.url}/functions/v1/echo`, { method: 'POST', body: '{}' })
    expect(noAuth.status).toBe(401)
    expect(await noAuth.json()).toEqual({ code: 401, message: 'Missing authorization header' })
    const forged = await fetch(`${stack.url}/functions/v1/echo`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${signJwt({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 600 }, 'x'.repeat(40))}` },
    })
    expect(await forged.json()).toEqual({ code: 401, message: 'Invalid JWT: JWT signature does not match' })
    const open = await fetch(`${stack.url}/functions/v1/public-echo`, { method: 'POST', body: '{"x":1}' })
    expect(open.status).toBe(200)
    expect((await open.json()).body).toEqual({ x: 1 })
  })

  it('lets the function answer CORS preflight itself', async () => {
    const response = await fetch(`${stack.url}/functions/v1/echo`, { method: 'OPTIONS', headers: { origin: 'null' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('says 404 for unknown and disabled functions, and 500 naming a broken one', async () => {
    for (const name of ['nope', 'disabled', '..%2Fsecrets']) {
      const response = await fetch(`${stack.url}/functions/v1/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.anonKey}` },
      })
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'Requested function was not found' })
    }
    const broken = await fetch(`${stack.url}/functions/v1/broken`, { method: 'POST' })
    expect(broken.status).toBe(500)
    // A signed-in caller, so the JWT check passes with either generation of keys (a publishable key is not a JWT).
    const { client } = await stack.anonymousUser()
    const thrown = await client.functions.invoke('echo?fail=1', { body: {} })
    expect(thrown.error?.name).toBe('FunctionsHttpError')
    expect(await (thrown.error as { context: Response }).context.json()).toMatchObject({
      code: 'WORKER_ERROR',
      message: 'function echo threw: asked to fail',
    })
  })

  it('keeps work handed to EdgeRuntime.waitUntil running after the reply, and close waits for it', async () => {
    const { finished } = await import('../fixtures/functions/echo/index.ts')
    // The fixture's list outlives each stack: a label of this key mode's own.
    const label = `background-${keys}`
    const response = await fetch(`${stack.url}/functions/v1/public-echo?later=${label}`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(200)
    expect(finished).not.toContain(label)
    await stack.close()
    expect(finished).toContain(label)
  })
})
