/**
 * The connection check behind the UI's red banner, against a local stack: reachable, nothing
 * listening, a refused key, the ops schema not exposed, realtime refusing the socket; and the
 * monitor recovering when the stack comes up.
 */
import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import WebSocket from 'ws'
import { matrix } from '../support/matrix.ts'
import { stackModes } from '../support/key-modes.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { signJwt } from '../../local/jwt.ts'
import { checkConnection, createConnectionMonitor } from '../../src/client/connection.ts'
import type { ConnectionState } from '../../src/client/types.ts'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.each(stackModes)('connection check on %s with %s API keys', (engine, keys) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine, keys)
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack(engine, { keys })
  })
  afterAll(async () => {
    await stack.stop()
  })

  smoke('is ok when REST, auth and realtime answer', async () => {
    const state = await checkConnection({ supabaseUrl: stack.url, anonKey: stack.anonKey }, { WebSocket })
    expect(state).toMatchObject({ status: 'ok', reason: null, failed: null, checkedAt: expect.any(Number) })
  })

  it('says to start the local stack when nothing listens', async () => {
    const port = await freePort()
    const state = await checkConnection({ supabaseUrl: `http://127.0.0.1:${port}`, anonKey: stack.anonKey }, { WebSocket })
    expect(state).toMatchObject({
      status: 'down',
      failed: 'rest',
      reason: `Cannot reach 127.0.0.1:${port}. Is the local stack running? Start it with npm start.`,
    })
  })

  smoke('says the plugin’s key was refused', async () => {
    const forged = signJwt({ role: 'anon', exp: 1983812996 }, 'another-secret-that-is-at-least-32-characters')
    const state = await checkConnection({ supabaseUrl: stack.url, anonKey: forged }, { WebSocket })
    expect(state.status).toBe('down')
    // A legacy project checks the JWT's signature; one with the new keys knows no such key.
    const why =
      stack.keyMode === 'legacy'
        ? 'JWT signature does not match'
        : 'HTTP 401: Invalid API key: the apikey header holds no key of this project'
    expect(state.reason).toBe(
      `${new URL(stack.url).host} refused the plugin’s key (${why}). Paste the project’s publishable key in Settings.`,
    )
  })

  it('says when realtime cannot be reached while the HTTP API answers', async () => {
    // An API that answers HTTP like the project but refuses every WebSocket upgrade.
    const server = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(req.url?.startsWith('/rest/') ? 'true' : '{}')
    })
    server.on('upgrade', (_req, socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const state = await checkConnection({ supabaseUrl: `http://127.0.0.1:${port}`, anonKey: stack.anonKey }, { WebSocket })
      expect(state).toMatchObject({
        status: 'down',
        failed: 'realtime',
        reason: `Live logs are unavailable: the realtime service at 127.0.0.1:${port} could not be reached. Runs still work; the log refreshes every few seconds until it is back.`,
      })
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  smoke('checks with requests that all succeed on a healthy project, with only the anon key', async () => {
    const answered: string[] = []
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      answered.push(`${response.status} ${new URL(response.url).pathname}`)
      return response
    }
    const state = await checkConnection({ supabaseUrl: stack.url, anonKey: stack.anonKey }, { WebSocket, fetch: recording })
    expect(state.status).toBe('ok')
    expect(answered.length).toBeGreaterThan(1)
    // A refusal (the anon key may read no table) would be a failed request in every console, every minute.
    expect(answered.filter((line) => Number(line.slice(0, 3)) >= 400)).toEqual([])
  })

  it('says when the migrations are not applied', async () => {
    const bare = await startTestStack(engine)
    try {
      await bare.db.query('drop function ops.api_ready()')
      const state = await checkConnection({ supabaseUrl: bare.url, anonKey: bare.anonKey }, { WebSocket })
      expect(state).toMatchObject({ status: 'down', failed: 'rest' })
      expect(state.reason).toContain('Apply the migrations (supabase db push)')
    } finally {
      await bare.stop()
    }
  })

  // Two stacks start one after the other: generous on a busy machine.
  it('notices the project going away and coming back, with no retry asked', async () => {
    const port = await freePort()
    let served = await startTestStack(engine, { port })
    // The defaults, as the plugin's banner runs them: no faster intervals than it has.
    const monitor = createConnectionMonitor({ supabaseUrl: served.url, anonKey: served.anonKey }, { WebSocket })
    const seen: ConnectionState['status'][] = []
    monitor.subscribe((state) => {
      if (seen.at(-1) !== state.status) seen.push(state.status)
    })
    const becomes = async (status: ConnectionState['status']) => {
      // Generous: what is checked is that the state changes by itself, not how fast.
      const deadline = Date.now() + 20_000
      while (monitor.state.status !== status && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(monitor.state.status).toBe(status)
    }
    try {
      await becomes('ok')
      await served.stop()
      await becomes('down')
      expect(monitor.state.failed).toBe('rest')
      served = await startTestStack(engine, { port })
      await becomes('ok')
      expect(seen).toEqual(['checking', 'ok', 'down', 'ok'])
    } finally {
      monitor.close()
      await served.stop()
    }
  }, 120_000)

  it('says when the ops schema is not exposed', async () => {
    const hidden = await startTestStack(engine, { keys, configure: (config) => ({ ...config, schemas: ['public'] }) })
    try {
      const state = await checkConnection({ supabaseUrl: hidden.url, anonKey: hidden.anonKey }, { WebSocket })
      expect(state).toMatchObject({ status: 'down', failed: 'rest' })
      expect(state.reason).toContain('does not serve the ops schema. Add "ops" under Project Settings → API → Exposed schemas')
    } finally {
      await hidden.stop()
    }
  })

  it('answers a retry with a check begun after it, not with one already under way', async () => {
    // The first request hangs, then fails as a network that was down would; later ones go through.
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let calls = 0
    const flaky: typeof fetch = async (input, init) => {
      if (calls++ === 0) {
        await gate
        throw new TypeError('fetch failed')
      }
      return fetch(input, init)
    }
    const monitor = createConnectionMonitor(
      { supabaseUrl: stack.url, anonKey: stack.anonKey },
      { WebSocket, fetch: flaky, retryDelaysMs: [60_000], healthyIntervalMs: 0 },
    )
    try {
      const retried = monitor.retry()
      release()
      const state = await retried
      expect(state.status).toBe('ok')
      expect(monitor.state.status).toBe('ok')
      expect(calls).toBeGreaterThan(1)
    } finally {
      monitor.close()
    }
  })

  it('re-checks while down and recovers on retry once the stack is up', async () => {
    const port = await freePort()
    const monitor = createConnectionMonitor(
      { supabaseUrl: `http://127.0.0.1:${port}`, anonKey: stack.anonKey },
      { WebSocket, retryDelaysMs: [50], healthyIntervalMs: 0 },
    )
    const seen: ConnectionState['status'][] = []
    monitor.subscribe((state) => seen.push(state.status))
    const deadline = Date.now() + 10_000
    while (monitor.state.status !== 'down' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(monitor.state.failed).toBe('rest')
    const late = await startTestStack(engine, { keys, port })
    try {
      const state = await monitor.retry()
      expect(state.status).toBe('ok')
      expect(monitor.state.status).toBe('ok')
      expect(seen[0]).toBe('checking')
      expect(seen).toContain('down')
    } finally {
      monitor.close()
      await late.stop()
    }
  })
})
