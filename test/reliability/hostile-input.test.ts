/**
 * Hostile REST filters, JSON bodies, JWTs and websocket frames, generated at random: every one
 * gets a documented 4xx answer (never a crash or a 5xx), and the stack keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import WebSocket from 'ws'
import { signJwt } from '../../local/jwt.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { seededRandom } from '../support/random.ts'
import { OPS_TABLES } from '../support/databases.ts'

const ATOMS = [
  'id',
  'title',
  'status',
  'env',
  'nope',
  'select',
  'order',
  'limit',
  'offset',
  'or',
  'and',
  'not',
  'eq',
  'neq',
  'in',
  'is',
  'like',
  'fts',
  'cs',
  '.',
  ',',
  '(',
  ')',
  '"',
  "'",
  ';',
  '--',
  '/*',
  '*',
  '%',
  '\\',
  ' ',
  'null',
  'true',
  '1',
  '-1',
  '1e309',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
  'desc',
  'nullslast',
  'asc.nope',
  ':',
  '::text',
  '->',
  '->>',
  '\u0000',
  '\u00e9',
  '\u{1F4A5}',
  'x'.repeat(300),
]

describe('hostile input to the local stack', () => {
  let stack: TestStack
  let token: string
  const next = seededRandom(7)
  const pick = () => ATOMS[Math.floor(next() * ATOMS.length)]
  const word = (n: number) => Array.from({ length: 1 + Math.floor(next() * n) }, pick).join('')

  beforeAll(async () => {
    stack = await startTestStack('pglite', { bodyLimit: 256 * 1024, functionsRuntime: 'deno' })
    token = (await stack.anonymousUser()).accessToken
  })
  afterAll(() => stack.stop())

  const headers = (extra: Record<string, string> = {}) => ({
    apikey: stack.anonKey,
    authorization: `Bearer ${token}`,
    'accept-profile': 'ops',
    'content-profile': 'ops',
    ...extra,
  })

  async function expectServing() {
    const response = await fetch(`${stack.url}/rest/v1/run_templates?select=slug&order=slug`, { headers: headers() })
    expect(await response.json()).toEqual([{ slug: 'deploy-web' }, { slug: 'incident-open' }])
  }

  it('answers 300 random query strings with a 2xx or a PostgREST-shaped 4xx', async () => {
    for (let i = 0; i < 300; i++) {
      const params = Array.from(
        { length: 1 + Math.floor(next() * 3) },
        () => `${encodeURIComponent(word(2))}=${encodeURIComponent(word(4))}`,
      ).join('&')
      const table = next() < 0.8 ? 'runs' : encodeURIComponent(word(2))
      const response = await fetch(`${stack.url}/rest/v1/${table}?${params}`, { headers: headers() })
      const text = await response.text()
      expect(response.status, `/${table}?${params} → ${text}`).toBeLessThan(500)
      if (response.status >= 400) {
        const body = JSON.parse(text)
        expect(typeof body.code === 'string' && typeof body.message === 'string', text).toBe(true)
      }
    }
    await expectServing()
  })

  it('answers hostile JSON bodies with 4xx', async () => {
    const bodies = [
      '['.repeat(5000) + ']'.repeat(5000),
      `{"title": "${'x'.repeat(300 * 1024)}"}`,
      '{"title": 1e999999}',
      '{"title": "\\ud800"}',
      '{"__proto__": {"polluted": true}, "title": "x"}',
      '{"title": "x", "inputs": "not an object"}',
      '{"title": "x", "status": "success"}',
      '{"title": "x", "created_by": "00000000-0000-0000-0000-000000000000"}',
      JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ title: `t${i}`, kind: '!!' }))),
      'null',
      '""',
      '12',
      'true',
      '\u0000',
    ]
    for (const body of bodies) {
      const response = await fetch(`${stack.url}/rest/v1/runs`, {
        method: 'POST',
        body,
        headers: headers({ 'content-type': 'application/json', prefer: 'return=representation' }),
      })
      const text = await response.text()
      expect(response.status, `${body.slice(0, 60)} → ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    await expectServing()
  })

  it('answers hostile JWTs with 401', async () => {
    const parts = signJwt({ role: 'service_role', exp: 9_999_999_999 }).split('.')
    const tokens = [
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${parts[1]}.`,
      `${parts[0]}.${Buffer.from('{"role":"service_role","exp":9999999999,"sub":"x"}').toString('base64url')}.${parts[2]}`,
      `${parts[0]}.${parts[1]}`,
      'a.b.c.d',
      `${parts[0]}.${parts[1]}.${'A'.repeat(10_000)}`,
      `${Buffer.from('{"alg":"HS512"}').toString('base64url')}.${parts[1]}.${parts[2]}`,
      `${parts[0]}.${Buffer.from('[]').toString('base64url')}.${parts[2]}`,
      // Random segments, kept to characters a header can carry.
      ...Array.from({ length: 30 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => Buffer.from(word(3)).toString('base64url')).join('.'),
      ),
    ]
    for (const bad of tokens) {
      const response = await fetch(`${stack.url}/rest/v1/runs?select=id`, { headers: headers({ authorization: `Bearer ${bad}` }) })
      const text = await response.text()
      expect([401, 400], `${bad.slice(0, 40)} → ${text}`).toContain(response.status)
      const invoke = await fetch(`${stack.url}/functions/v1/ops-executor`, {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${bad}` },
      })
      expect(invoke.status).toBe(401)
      await invoke.arrayBuffer()
    }
    await expectServing()
  })

  it('survives random websocket frames and keeps serving a well-behaved subscriber', async () => {
    const socket = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`)
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const frames = [
      ...Array.from({ length: 100 }, () => word(8)),
      '[]',
      '[null,null,null,null,null]',
      '["1","1","realtime:x","phx_join",null]',
      '["1","1","realtime:x","phx_join",{"config":{"postgres_changes":"nope"}}]',
      '["1","1","realtime:x","phx_join",{"config":{"postgres_changes":[{"event":"*","schema":"ops","table":"runs","filter":"id=eq.\'; drop table ops.runs; --"}]}}]',
      JSON.stringify([
        '1',
        '1',
        'realtime:x',
        'phx_join',
        { config: { postgres_changes: Array.from({ length: 500 }, () => ({ event: '*', schema: 'ops', table: 'runs' })) } },
      ]),
      '{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"}',
    ]
    for (const frame of frames) {
      if (socket.readyState !== WebSocket.OPEN) break
      socket.send(frame)
    }
    socket.send(Buffer.from([0, 1, 2, 3, 255]))
    await new Promise((resolve) => setTimeout(resolve, 200))
    socket.terminate()

    // A normal subscriber still gets its changes.
    const { client, userId } = await stack.anonymousUser()
    const received: string[] = []
    await new Promise<void>((resolve) => {
      client
        .channel('ok')
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'runs' }, (change) =>
          received.push((change.new as { title: string }).title),
        )
        .subscribe((status) => status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED && resolve())
    })
    await client.from('runs').insert({ title: 'still serving', created_by: userId })
    for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 25))
    expect(received).toEqual(['still serving'])
    const tables = await stack.db.query("select count(*)::int as n from information_schema.tables where table_schema = 'ops'")
    expect(tables.rows[0].n).toBe(OPS_TABLES.length)
  })
})
