/**
 * Tokens whose header or payload is JSON but not an object (null, a number, a list) are malformed
 * tokens like any other: REST and the realtime upgrade answer 401, and the stack keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { signJwt, verifyJwt } from '../../local/jwt.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'

const segment = (json: string) => Buffer.from(json).toString('base64url')
const [header, payload, signature] = signJwt({ role: 'anon', exp: 9_999_999_999 }).split('.')
const TOKENS = {
  'a null header': `${segment('null')}.${payload}.${signature}`,
  'a number header': `${segment('7')}.${payload}.${signature}`,
  'a list header': `${segment('[]')}.${payload}.${signature}`,
  'a null payload': `${header}.${segment('null')}.${signature}`,
}

describe('verifyJwt', () => {
  it.each(Object.entries(TOKENS))('calls a token with %s malformed', (_, token) => {
    expect(verifyJwt(token)).toMatchObject({ ok: false, reason: 'malformed' })
  })

  it.each([
    ['no exp', {}],
    ['a string exp', { exp: '9999999999' }],
    ['a null exp', { exp: null }],
  ])('refuses a correctly signed token with %s: it would never expire', (_, claims) => {
    expect(verifyJwt(signJwt({ role: 'service_role', ...claims }))).toEqual({
      ok: false,
      reason: 'no_exp',
      message: 'JWT has no exp claim',
    })
  })

  it('checks the signature before the claims', () => {
    expect(verifyJwt(signJwt({ role: 'anon' }, 'another-secret-that-is-long-enough-too'))).toMatchObject({ reason: 'signature' })
  })
})

describe('tokens that are JSON but not objects, at the stack', () => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack('pglite')
  })
  afterAll(async () => {
    await stack.stop()
  })

  const upgradeStatus = (token: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${token}&vsn=1.0.0`)
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.once('open', () => {
        ws.close()
        reject(new Error('the upgrade was accepted'))
      })
      ws.once('error', () => {})
    })

  it.each(Object.entries(TOKENS))('answers a token with %s with 401 over REST and realtime', async (_, token) => {
    const rest = await fetch(`${stack.url}/rest/v1/runs?select=id`, {
      headers: { apikey: stack.anonKey, authorization: `Bearer ${token}` },
    })
    expect(rest.status, await rest.text()).toBe(401)
    expect(await upgradeStatus(token)).toBe(401)
    expect((await fetch(`${stack.url}/health`)).status).toBe(200)
  })
})
