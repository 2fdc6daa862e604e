/**
 * RunStream against a local stack with the real executor: a run's log arrives live while it runs
 * and ends equal to the database; a realtime socket dropped mid-run (server side) changes
 * nothing in the end; a log longer than the tail pages back to seq 1; nobody streams another
 * user's run.
 */
import type { Duplex } from 'node:stream'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import WebSocket from 'ws'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { memoryStorage, startTestStack, type TestStack } from '../support/stack.ts'
import { addTemplate, waitFor } from '../support/executor.ts'
import { createOpsApi } from '../../src/client/api.ts'
import { openRunStream } from '../../src/client/run-stream.ts'
import { createOpsClient, type OpsClient } from '../../src/client/supabase.ts'
import type { EventRow, NewRun, OpsApi, RunStreamHandle, RunStreamState } from '../../src/client/types.ts'

const SLOW_TEMPLATE = `version: 1
kind: deploy
title: Slow rollout
description: Waits between steps so that a test can watch it run.
intents: [slow rollout]
steps:
  - id: health
    title: Health check
    phase: preflight
    kind: http
    with:
      method: GET
      url: "\${{ project.url }}/auth/v1/health"
      expect_status: 200
      artifact: { kind: file, title: Health response }
  - id: first-wait
    title: First wait
    kind: wait
    with: { duration: 1s }
  - id: second-wait
    title: Second wait
    kind: wait
    with: { duration: 1s }
  - id: third-wait
    title: Third wait
    kind: wait
    with: { duration: 1s }
`

/** Null revision: the insert pins the template's current one (the suite adds it as the database owner). */
const slowRun: NewRun = {
  templateSlug: 'slow-rollout',
  templateRevisionId: null,
  kind: 'deploy',
  env: 'staging',
  title: 'Slow rollout',
  inputs: {},
}

/** What the database says about a run, to compare the stream's final state with. */
async function databaseView(client: OpsClient, runId: string) {
  const events = await client.from('run_events').select('*').eq('run_id', runId).order('seq')
  const run = await client.from('runs').select('*').eq('id', runId).single()
  const artifacts = await client.from('artifacts').select('*').eq('run_id', runId).order('created_at')
  if (events.error || run.error || artifacts.error) throw new Error((events.error ?? run.error ?? artifacts.error)?.message)
  return { events: events.data, run: run.data, artifacts: artifacts.data }
}

const comparable = (events: readonly EventRow[]) =>
  events.map(({ seq, level, source, phase, step_id, message, data, run_id, id }) => ({
    seq,
    level,
    source,
    phase,
    step_id,
    message,
    data,
    run_id,
    id,
  }))

async function until(stream: RunStreamHandle, predicate: (state: RunStreamState) => boolean, what: string, ms = 30_000) {
  return waitFor(() => (predicate(stream.state) ? stream.state : undefined), what, ms)
}

describe.each(engines)('RunStream on %s', (engine) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  let client: OpsClient
  let api: OpsApi
  let fetchEventsCalls = 0
  const sockets = new Set<Duplex>()
  const clients: OpsClient[] = []

  async function signedIn() {
    const made = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
    clients.push(made)
    const { error } = await made.auth.signInAnonymously()
    if (error) throw error
    return made
  }

  beforeAll(async () => {
    stack = await startTestStack(engine)
    // Every realtime socket, so a test can cut them off on the server side.
    stack.server.on('upgrade', (_req, socket: Duplex) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await addTemplate(stack, 'slow-rollout', SLOW_TEMPLATE)
    client = await signedIn()
    const plain = createOpsApi(client)
    api = {
      ...plain,
      fetchEvents: (...args) => {
        fetchEventsCalls++
        return plain.fetchEvents(...args)
      },
    }
  })
  afterAll(async () => {
    for (const made of clients) {
      await made.auth.stopAutoRefresh()
      await made.removeAllChannels()
      await made.realtime.disconnect()
    }
    await stack.stop()
  })

  smoke('shows the run’s events live while it runs, and ends equal to the database', async () => {
    let stream!: RunStreamHandle
    const seen: { status: string | undefined; events: number; live: string }[] = []
    const run = await api.startRun(slowRun, {
      onCreated: (created) => {
        stream = openRunStream(client, api, created.id)
        stream.subscribe((state) => seen.push({ status: state.run?.status, events: state.events.count, live: state.live }))
      },
    })
    const callsBefore = fetchEventsCalls
    const done = await until(
      stream,
      (s) => s.run?.status === 'success' && s.events.count === s.run.last_seq,
      'the run to succeed in the stream',
    )
    const db = await databaseView(client, run.id)

    expect(done.events.slice().map((e) => e.seq)).toEqual(db.events.map((_, i) => i + 1))
    expect(comparable(done.events.slice())).toEqual(comparable(db.events))
    expect(done.run).toMatchObject({ id: run.id, status: 'success', last_seq: db.events.length, summary: db.run.summary })
    expect(done.artifacts.map((a) => a.id)).toEqual(db.artifacts.map((a) => a.id))
    expect(done.artifacts[0]).toMatchObject({ kind: 'file', title: 'Health response' })
    expect(done).toMatchObject({ live: 'live', hasOlder: false, error: null })
    // Lines appeared while the run was running, with the channel live, and nearly all of them
    // came over realtime: a handful of REST reads for a few dozen lines.
    const whileRunning = seen.filter((s) => s.status === 'running' && s.live === 'live').map((s) => s.events)
    expect(new Set(whileRunning).size).toBeGreaterThan(3)
    expect(fetchEventsCalls - callsBefore).toBeLessThan(done.events.count / 2)
    await stream.close()
  })

  it('streams live with a session restored from storage, as when the plugin is opened again', async () => {
    // One client signs in; a second one, made later over the same storage, only restores it.
    const storage = memoryStorage()
    const first = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, storage, { realtimeTransport: WebSocket })
    clients.push(first)
    await first.auth.signInAnonymously()
    const run = await createOpsApi(first).startRun(slowRun)
    // Opened fresh while the run executes: nothing has read the session in this client yet.
    const reopened = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, storage, { realtimeTransport: WebSocket })
    clients.push(reopened)
    const stream = openRunStream(reopened, createOpsApi(reopened), run.id)
    const done = await until(
      stream,
      (s) => s.run?.status === 'success' && s.events.count === s.run.last_seq,
      'the restored session to see the run finish live',
    )
    expect(done.live).toBe('live')
    expect(done.events.slice().map((e) => e.seq)).toEqual(done.events.slice().map((_, i) => i + 1))
    await stream.close()
  })

  it('ends with the same log as the database when the realtime socket is cut mid-run', async () => {
    let stream!: RunStreamHandle
    const states: string[] = []
    const run = await api.startRun(
      { ...slowRun, title: 'Cut socket' },
      {
        onCreated: (created) => {
          stream = openRunStream(client, api, created.id)
          stream.subscribe((state) => {
            if (states[states.length - 1] !== state.live) states.push(state.live)
          })
        },
      },
    )
    await until(stream, (s) => s.live === 'live' && s.events.slice().some((e) => e.step_id === 'first-wait'), 'the first wait to start')
    expect(sockets.size).toBeGreaterThan(0)
    for (const socket of sockets) socket.destroy()

    const done = await until(
      stream,
      (s) => s.run?.status === 'success' && s.events.count === s.run.last_seq && s.live === 'live',
      'the run to finish after the cut',
    )
    const db = await databaseView(client, run.id)
    expect(comparable(done.events.slice())).toEqual(comparable(db.events))
    expect(done.artifacts.map((a) => a.id)).toEqual(db.artifacts.map((a) => a.id))
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live'])
    await stream.close()
  })

  it('loads the tail of a long log first and pages older lines back to seq 1', async () => {
    const { data: row } = await client
      .from('runs')
      .insert({ template_slug: 'slow-rollout', kind: 'deploy', env: 'staging', title: 'Long log' })
      .select('id')
      .single()
    const runId = row!.id
    const service = stack.client(stack.serviceRoleKey)
    await service.rpc('claim_run', { p_worker: 'long-log', p_run_id: runId })
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: batch < 2 ? 100 : 50 }, (_, i) => ({ message: `line ${batch * 100 + i + 1}` }))
      const { error } = await service.rpc('append_run_events', { p_run_id: runId, p_worker: 'long-log', p_events: events })
      expect(error).toBeNull()
    }

    const stream = openRunStream(client, api, runId, { tailSize: 100 })
    let state = await until(stream, (s) => s.events.count === 100, 'the tail')
    expect(state.events.eventAt(0)).toMatchObject({ seq: 151, message: 'line 151' })
    expect(state.events.eventAt(99)).toMatchObject({ seq: 250, message: 'line 250' })
    expect(state.hasOlder).toBe(true)

    await stream.loadOlder()
    expect(stream.state.events.eventAt(0).seq).toBe(51)
    await stream.loadOlder()
    state = stream.state
    expect(state.events.slice().map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1))
    expect(state.hasOlder).toBe(false)

    // New lines still arrive live after paging.
    await service.rpc('append_run_events', {
      p_run_id: runId,
      p_worker: 'long-log',
      p_events: [{ message: 'line 251' }, { message: 'line 252' }],
    })
    state = await until(stream, (s) => s.events.count === 252, 'the new lines')
    expect(state.events.slice(-2).map((e) => e.message)).toEqual(['line 251', 'line 252'])
    await stream.close()
  })

  smoke('does not stream another user’s run', async () => {
    const run = await api.startRun({ ...slowRun, title: 'Private' })
    const stranger = await signedIn()
    const stream = openRunStream(stranger, createOpsApi(stranger), run.id)
    const state = await until(stream, (s) => s.error !== null, 'the error')
    expect(state.error).toBe(`Run ${run.id} was not found: it was deleted, or it belongs to someone else.`)
    expect(state.events.slice()).toEqual([])
    await stream.close()
    await waitFor(async () => ((await api.getRun(run.id))?.status === 'success' ? true : undefined), 'the private run to finish')
  })
})
