/**
 * The realtime socket dropped ten times while a run streams: RunStream rejoins and backfills each
 * time, and the log the client ends with equals the database's, line for line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Duplex } from 'node:stream'
import WebSocket from 'ws'
import { createOpsApi } from '../../src/client/api.ts'
import { openRunStream } from '../../src/client/run-stream.ts'
import { createOpsClient } from '../../src/client/supabase.ts'
import { memoryStorage, startTestStack, type TestStack } from '../support/stack.ts'
import { addTemplate, createRun, executorOptions, waitFor } from '../support/executor.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'

const TEMPLATE = `version: 1
kind: check
title: Chatty run
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
${Array.from({ length: 60 }, (_, i) => `  - { id: s${i}, title: Step ${i}, phase: ${['preflight', 'execute', 'verify'][Math.min(2, Math.floor(i / 20))]}, kind: wait, with: { duration: 500ms } }`).join('\n')}
`

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite'

describe(`RunStream with the socket dropped ten times mid-run (${engine})`, () => {
  let stack: TestStack
  const sockets = new Set<Duplex>()
  beforeAll(async () => {
    stack = await startTestStack(engine, { functionsRuntime: 'deno' })
    stack.server.on('upgrade', (_req, socket: Duplex) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await addTemplate(stack, 'chatty', TEMPLATE)
  })
  afterAll(() => stack.stop())

  it('ends with exactly the database’s log', async () => {
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
    await client.auth.signInAnonymously()
    const api = createOpsApi(client)
    const runId = await createRun(client, { template: 'chatty' })
    const stream = openRunStream(client, api, runId, { pollMs: 200 })
    await waitFor(() => (stream.state.live === 'live' ? true : undefined), 'the stream to go live')

    // The test's heartbeat (100 ms, a hundredth of the real one) spends database calls the real
    // executor does not; the call budget grows with it so the run finishes in one invocation.
    const execution = execute(executorOptions(stack, {}, { limits: { maxCalls: 60_000 } }), { runId })
    let drops = 0
    while (drops < 10) {
      // Wait for the stream to be live again, then cut every realtime socket on the server side.
      await waitFor(() => (stream.state.live === 'live' && sockets.size > 0 ? true : undefined), `the stream to come back (drop ${drops})`)
      for (const socket of sockets) socket.destroy()
      drops++
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // All ten drops happened while the run was still streaming.
    const { data: midway } = await client.from('runs').select('status').eq('id', runId).single()
    expect(midway!.status).toBe('running')
    expect((await execution).runs[0].outcome).toBe('success')
    const final = await waitFor(
      () => {
        const { run, events } = stream.state
        return run?.status === 'success' && events.count === run.last_seq ? stream.state : undefined
      },
      'the stream to catch up with the finished run',
      60_000,
    )

    const { data: rows } = await client.from('run_events').select('seq, message, level, step_id').eq('run_id', runId).order('seq')
    expect(final.events.slice().map(({ seq, message, level, step_id }) => ({ seq, message, level, step_id }))).toEqual(rows)
    expect(drops).toBe(10)
    await stream.close()
    await client.removeAllChannels()
  }, 180_000)
})
