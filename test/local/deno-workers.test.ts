/**
 * The local stack's Deno workers: each function's own Deno entry in a process of its own, started
 * on first use, reused across requests, and held to the hosted limits (memory, soft and hard CPU).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { HOSTED_LIMITS } from '../../local/functions/worker-pool.ts'
import { waitFor } from '../support/executor.ts'

const functionsDir = fileURLToPath(new URL('../fixtures/deno-functions', import.meta.url))

describe('Edge Functions in Deno workers with the hosted limits', () => {
  let stack: TestStack
  const call = async (query = '') => {
    const response = await fetch(`${stack.url}/functions/v1/limits${query}`, { method: 'POST', body: '{}' })
    return { status: response.status, body: await response.json() }
  }

  beforeAll(async () => {
    stack = await startTestStack('pglite', {
      functionsDir,
      functionsRuntime: 'deno',
      configure: (config) => ({ ...config, functions: { limits: { verifyJwt: false, enabled: true } } }),
    })
  })
  afterAll(() => stack.stop())

  it('starts a worker on first use, reuses it, and gives it the function environment and the memory limit', async () => {
    expect(stack.functionWorkers()).toEqual([])
    const first = await call('?env=SUPABASE_URL')
    const second = await call()
    expect(first.status).toBe(200)
    expect(first.body.env).toBe(stack.url)
    expect(second.body.pid).toBe(first.body.pid)
    // V8 reports the flag's 256 MB of old space plus its young generation (far below its default of several GB).
    expect(first.body.heapLimitMb).toBeGreaterThanOrEqual(HOSTED_LIMITS.memoryMb)
    expect(first.body.heapLimitMb).toBeLessThan(2 * HOSTED_LIMITS.memoryMb)
    expect(stack.functionWorkers()).toEqual([
      expect.objectContaining({
        function: 'limits',
        pid: first.body.pid,
        state: 'serving',
        requests: 2,
        v8Flags: ['--max-old-space-size=256'],
      }),
    ])
  })

  it('retires a worker past the soft CPU limit once its request is answered, telling it why with beforeunload', async () => {
    stack.setFunctionLimits({ softCpuMs: 100 })
    const burning = await call('?burn=300')
    expect(burning.status).toBe(200)
    await waitFor(() => stack.functionWorkers().find((w) => w.pid === burning.body.pid && w.state === 'exited'), 'the worker to retire')
    const worker = stack.functionWorkers().find((w) => w.pid === burning.body.pid)!
    expect(worker).toMatchObject({ retired: 'cpu', exit: { code: 0 } })
    expect(worker.killed).toBeUndefined()
    expect(
      stack
        .functionLogs()
        .filter((l) => l.pid === burning.body.pid)
        .map((l) => l.line),
    ).toContain('{"beforeunload":"cpu"}')
    const next = await call()
    expect(next.status).toBe(200)
    expect(next.body.pid).not.toBe(burning.body.pid)
  })

  it('kills a worker past the hard CPU limit and answers 546 WORKER_LIMIT, as the hosted runtime does', async () => {
    stack.setFunctionLimits({ softCpuMs: 60_000, hardCpuMs: 300 })
    const killed = await call('?burn=5000')
    expect(killed).toEqual({
      status: 546,
      body: { code: 'WORKER_LIMIT', message: 'Function failed due to not having enough compute resources (please check logs)' },
    })
    const worker = stack.functionWorkers().at(-1)!
    expect(worker).toMatchObject({ killed: 'cpu', state: 'exited', exit: { signal: 'SIGKILL' } })
    stack.setFunctionLimits({ hardCpuMs: HOSTED_LIMITS.hardCpuMs })
    const next = await call()
    expect(next.status).toBe(200)
    expect(next.body.pid).not.toBe(worker.pid)
  })
})
