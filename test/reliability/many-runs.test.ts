/**
 * 50 runs executing at once, each watched by 5 subscribers on the run's private Broadcast channel
 * (joined as the plugin joins it, run-channel.ts): every subscriber receives its run's whole log,
 * in seq order, and the stack's send buffers and the process heap stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import { joinRunChannel } from '../../src/client/run-channel.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { addTemplate, createRun, executorOptions } from '../support/executor.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'

const RUNS = 50
const SUBSCRIBERS = 5
const BUFFER_LIMIT = 4 * 1024 * 1024

const TEMPLATE = `version: 1
kind: check
title: Busy run
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
${Array.from({ length: 6 }, (_, i) => `  - { id: w${i}, title: Wait ${i}, phase: ${['preflight', 'execute', 'verify'][i % 3]}, kind: wait, with: { duration: 20ms } }`).join('\n')}
`

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite'

describe(`${RUNS} concurrent runs with ${SUBSCRIBERS} subscribers each (${engine})`, () => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack(engine, { realtimeBufferBytes: BUFFER_LIMIT, functionsRuntime: 'deno' })
    await addTemplate(stack, 'busy', TEMPLATE)
    // One person queues all 50 runs: the deployment raises its per-starter limit (10 by default).
    const { error } = await stack.client(stack.serviceRoleKey).rpc('set_queue_limits', { p_max_active_per_starter: RUNS })
    if (error) throw new Error(`raising the queue limits: ${error.message}`)
  })
  afterAll(() => stack.stop())

  it('delivers every run’s whole log to each of its subscribers, in order', async () => {
    const heapBefore = process.memoryUsage().heapUsed
    const { client: owner, accessToken } = await stack.anonymousUser()
    const runIds: string[] = []
    for (let i = 0; i < RUNS; i++) runIds.push(await createRun(owner, { template: 'busy', title: `busy ${i}` }))

    // Each subscriber is its own client (its own socket), signed in as the runs' owner.
    const received = new Map<string, number[][]>()
    const subscribers: OpsClient[] = []
    await Promise.all(
      runIds.map(async (runId) => {
        const logs: number[][] = []
        received.set(runId, logs)
        for (let s = 0; s < SUBSCRIBERS; s++) {
          const client = stack.client()
          subscribers.push(client)
          await client.realtime.setAuth(accessToken)
          const log: number[] = []
          logs.push(log)
          await new Promise<void>((resolve, reject) => {
            joinRunChannel(client, runId, {
              events: (batch) => {
                // A batch too large to broadcast comes as a range (never here: the lines are small); -1 marks it.
                if (batch.truncated) log.push(-1)
                for (const event of batch.events ?? []) log.push(event.seq)
              },
              run: () => {},
              artifact: () => {},
              status: (status) => {
                if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve()
                if (status === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR) reject(new Error(`run:${runId} (${s}) reported ${status}`))
              },
            })
          })
        }
      }),
    )
    expect(stack.realtimeStats().channels).toBe(RUNS * SUBSCRIBERS)

    // Four executors drain the queue at once, as overlapping invocations would; each invocation
    // takes at most its cap of runs, so the drains go on as the schedule would repeat them.
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 4 }, () => execute(executorOptions(stack), { drain: true })))
      const { count } = await owner.from('runs').select('id', { count: 'exact', head: true }).in('id', runIds).neq('status', 'success')
      if (count === 0) break
    }

    const { data: runs } = await owner.from('runs').select('id, status, last_seq').in('id', runIds)
    expect(runs!.every((run) => run.status === 'success')).toBe(true)
    const lastSeq = new Map(runs!.map((run) => [run.id, run.last_seq]))
    const complete = () => runIds.every((id) => received.get(id)!.every((log) => log.length >= lastSeq.get(id)!))
    for (let i = 0; i < 800 && !complete(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
    for (const id of runIds) {
      const expected = Array.from({ length: lastSeq.get(id)! }, (_, i) => i + 1)
      for (const log of received.get(id)!) expect(log).toEqual(expected)
    }

    const stats = stack.realtimeStats()
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(BUFFER_LIMIT)
    expect(stats.slowConsumers).toBe(0)
    expect(stats.backlog).toBe(0)
    // 250 sockets and ~1,500 events × 5 deliveries must not grow the heap without bound.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024)
    await Promise.all(subscribers.map((client) => client.removeAllChannels()))
  }, 300_000)
})
