/**
 * What a run costs the database: two calls per step (its state when it starts, its outcome with
 * the lines logged before it), no heartbeat while steps keep extending the lease, and a log writer
 * that sends at once when idle, gathers lines while a send is on its way, and makes a caller that
 * logs faster than the database takes lines wait instead of holding every line in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, createRun, eventsOf, expectContiguous, personalWorkspace, runExecutor, runOf, waitFor } from '../support/executor.ts'
import { RunStore, type OpsClient as ExecutorClient } from '../../supabase/functions/_shared/executor/store.ts'
import { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'

/** A template of `n` GET steps against the stand-in service. */
function pingTemplate(n: number): string {
  const steps = Array.from(
    { length: n },
    (_, i) => `  - { id: ping-${i + 1}, title: Ping ${i + 1}, kind: http, with: { url: "\${{ inputs.base_url }}/ping" } }`,
  )
  return `version: 1
kind: check
title: Ping ${n} times
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
${steps.join('\n')}
`
}

/** The executor's client, counting the requests it sends by SQL function or table. */
function countingClient(client: ExecutorClient): { client: ExecutorClient; calls: Map<string, number>; total: () => number } {
  const calls = new Map<string, number>()
  const note = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1)
  const rpc = client.rpc.bind(client) as (...args: unknown[]) => unknown
  const from = client.from.bind(client) as (table: string) => unknown
  const counted = {
    rpc: (fn: string, ...rest: unknown[]) => {
      note(fn)
      return rpc(fn, ...rest)
    },
    from: (table: string) => {
      note(table)
      return from(table)
    },
  } as unknown as ExecutorClient
  return { client: counted, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) }
}

describe.each(engines)('database round trips on %s', (engine) => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote()
    stack.allowEgress(remote.url)
    remote.on('/ping', reply(200, '{"ok":true}'))
    ;({ client: user } = await stack.anonymousUser())
    const workspace = await personalWorkspace(user)
    await addTemplate(stack, 'ping-1', pingTemplate(1), workspace)
    await addTemplate(stack, 'ping-41', pingTemplate(41), workspace)
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })

  /** Runs the template to success and answers the requests the executor sent, by name. */
  async function callsOfRun(template: string) {
    const runId = await createRun(user, { template, inputs: { env: 'staging', base_url: remote.url } })
    const counting = countingClient(stack.client(stack.serviceRoleKey))
    // The lease's own clock and the writer's pacing are long here, so only the step calls remain to count.
    const report = await runExecutor(stack, runId, {}, { client: counting.client, heartbeatMs: 60_000, flushMs: 60_000 })
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    return { calls: counting.calls, total: counting.total(), events, run: await runOf(user, runId) }
  }

  it('costs two database calls per step: the lines, the step result and the lease travel together', async () => {
    const one = await callsOfRun('ping-1')
    const many = await callsOfRun('ping-41')

    // Each further step adds exactly its two step records, and nothing else.
    expect((many.total - one.total) / 40).toBe(2)
    expect(many.calls.get('record_step_with_events')).toBe(82)
    expect(many.calls.get('heartbeat_run') ?? 0).toBe(0)
    expect(many.calls.get('record_step') ?? 0).toBe(0)
    // The steps' lines went with their results, not by appends of their own.
    expect(many.calls.get('append_run_events')).toBe(one.calls.get('append_run_events'))
    // Nothing was lost on the way: every step's lines are there, in order, and every step succeeded.
    expect(many.events.filter((e) => e.message.startsWith('GET ')).map((e) => e.step_id)).toEqual(
      Array.from({ length: 41 }, (_, i) => `ping-${i + 1}`),
    )
    expect(Object.values(many.run.step_results).every((r: any) => r.status === 'succeeded')).toBe(true)
  })

  it('refuses ops.record_step_with_events to signed-in users and to a worker without the lease', async () => {
    const runId = await createRun(user, { template: 'ping-1', inputs: { env: 'staging', base_url: remote.url } })
    const args = { p_run_id: runId, p_worker: 'w', p_step_id: 'ping-1', p_result: { status: 'succeeded' as const } }
    const asUser = await user.rpc('record_step_with_events', args)
    expect(asUser.error?.code).toBe('42501')
    const anon = await stack.client().rpc('record_step_with_events', args)
    expect(anon.error?.code).toBe('42501')
    const service = stack.client(stack.serviceRoleKey)
    const notHeld = await service.rpc('record_step_with_events', { ...args, p_events: [{ message: 'x' }] })
    expect(notHeld.error).toMatchObject({ code: 'PT409', message: expect.stringMatching(/does not hold the lease/) })
    expect(await eventsOf(user, runId)).toEqual([])
    expect((await runOf(user, runId)).step_results).toEqual({})
  })

  it('applies a retried record once: the same batch id writes its lines once', async () => {
    const runId = await createRun(user, { template: 'ping-1', inputs: { env: 'staging', base_url: remote.url } })
    const store = new RunStore(stack.client(stack.serviceRoleKey), 'retrying-worker')
    expect(await store.claim(runId)).not.toBeNull()
    const batch = crypto.randomUUID()
    const lines = [{ message: 'one' }, { message: 'two' }]
    expect(await store.recordStep(runId, 'ping-1', { status: 'running' }, lines, batch)).toEqual({ lastSeq: 2, cancelRequested: false })
    expect(await store.recordStep(runId, 'ping-1', { status: 'running' }, lines, batch)).toEqual({ lastSeq: 2, cancelRequested: false })
    expect((await eventsOf(user, runId)).map((e) => [e.seq, e.message])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ])
  })

  describe('the log writer', () => {
    async function claimedRun(worker: string): Promise<{ runId: string; store: RunStore }> {
      const runId = await createRun(user, { template: 'ping-1', inputs: { env: 'staging', base_url: remote.url } })
      const store = new RunStore(stack.client(stack.serviceRoleKey), worker, { leaseSeconds: 600 })
      expect(await store.claim(runId)).not.toBeNull()
      return { runId, store }
    }

    it('sends a line at once when idle, and gathers the lines logged while a send is on its way into one', async () => {
      const { runId, store } = await claimedRun('writer-timing')
      const writer = new EventWriter(store, runId, { flushMs: 0 })
      const before = store.calls
      void writer.log({ message: 'first' })
      // No timer to wait for: the line is on its way as soon as this turn ends.
      await waitFor(() => (store.calls > before ? true : undefined), 'the first send')
      for (let i = 0; i < 50; i++) void writer.log({ message: `line ${i}` })
      await writer.flush()
      expect(store.calls - before).toBe(2)
      const events = await eventsOf(user, runId)
      expect(events.map((e) => e.message)).toEqual(['first', ...Array.from({ length: 50 }, (_, i) => `line ${i}`)])
      expect(expectContiguous(events)).toBe(true)
    })

    it('sends at most once per interval while lines keep coming', async () => {
      const { runId, store } = await claimedRun('writer-pacing')
      const writer = new EventWriter(store, runId, { flushMs: 60_000 })
      const before = store.calls
      void writer.log({ message: 'first' })
      await waitFor(async () => ((await eventsOf(user, runId)).length === 1 ? true : undefined), 'the first line')
      void writer.log({ message: 'second' })
      // Within the interval the second line waits; it goes with the next send (here, the flush).
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect((await eventsOf(user, runId)).map((e) => e.message)).toEqual(['first'])
      await writer.flush()
      expect((await eventsOf(user, runId)).map((e) => e.message)).toEqual(['first', 'second'])
      expect(store.calls - before).toBe(2)
    })

    it('makes a caller that logs faster than the database takes lines wait, and loses none', async () => {
      const { runId, store } = await claimedRun('writer-pressure')
      const writer = new EventWriter(store, runId, { flushMs: 0, flushLines: 10, maxWaitingBatches: 2 })
      let mostUnsent = 0
      let waited = 0
      for (let i = 0; i < 1000; i++) {
        const pressure = writer.log({ message: `burst ${i}` })
        let settled = false
        void pressure.then(() => (settled = true))
        await Promise.resolve()
        if (!settled) waited++
        await pressure
        mostUnsent = Math.max(mostUnsent, writer.unsent)
      }
      await writer.flush()
      // The caller was held back, and never more than the waiting batches plus the one on its way were in memory.
      expect(waited).toBeGreaterThan(0)
      expect(mostUnsent).toBeLessThanOrEqual(3 * 10)
      const events = await eventsOf(user, runId)
      expect(events).toHaveLength(1000)
      expect(expectContiguous(events)).toBe(true)
      expect(events.map((e) => e.message)).toEqual(Array.from({ length: 1000 }, (_, i) => `burst ${i}`))
    })
  })
})
