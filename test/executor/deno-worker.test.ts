/**
 * ops-executor in the local stack's Deno workers with the hosted limits (local/functions/
 * worker-pool.ts): a worker retired on the soft CPU limit tells the executor with `beforeunload`
 * and the run goes on in the next worker; a worker killed past the hard limit leaves a POST that
 * the resumed run does not send again; a 300-step run completes across several invocations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerResponse } from 'node:http'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, createRun, eventsOf, expectContiguous, personalWorkspace, runOf, waitFor } from '../support/executor.ts'
import { HOSTED_LIMITS } from '../../local/functions/worker-pool.ts'

/** A template of `n` GET steps, each to a path of its own on the stand-in service. */
function stepsTemplate(n: number): string {
  const steps = Array.from(
    { length: n },
    (_, i) => `  - { id: s${i + 1}, title: Step ${i + 1}, kind: http, with: { url: "\${{ inputs.base_url }}/step/${i + 1}" } }`,
  )
  return `version: 1
kind: check
title: ${n} steps
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
${steps.join('\n')}
`
}

const CHARGE = `version: 1
kind: check
title: Charge
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
  - { id: one, title: One, kind: http, with: { url: "\${{ inputs.base_url }}/one" } }
  - { id: charge, title: Charge, kind: http, with: { method: POST, url: "\${{ inputs.base_url }}/charge", body: { amount: 1 } } }
  - { id: three, title: Three, kind: http, with: { url: "\${{ inputs.base_url }}/three" } }
`

const LONG = 300

describe('ops-executor in Deno workers with the hosted limits', () => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient

  beforeAll(async () => {
    stack = await startTestStack('pglite', {
      functionsRuntime: 'deno',
      // As pg_cron does hosted: a run handed back by a worker the runtime retires is taken by the next drain.
      drainIntervalMs: 200,
    })
    remote = await startRemote()
    stack.allowEgress(remote.url)
    for (let i = 1; i <= LONG; i++) remote.on(`/step/${i}`, reply(200, '{"ok":true}'))
    ;({ client: user } = await stack.anonymousUser())
    const workspace = await personalWorkspace(user)
    await addTemplate(stack, 'twenty', stepsTemplate(20), workspace)
    await addTemplate(stack, 'long', stepsTemplate(LONG), workspace)
    await addTemplate(stack, 'charge', CHARGE, workspace)
  }, 120_000)
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })

  /** Invokes the executor for a run as its owner does, through the stack's gateway. */
  async function invoke(runId: string) {
    const { data, error } = await user.functions.invoke('ops-executor', { body: { run_id: runId } })
    expect(error).toBeNull()
    expect(data).toEqual({ accepted: true, run_id: runId })
  }

  const finished = (runId: string, ms = 120_000) =>
    waitFor(
      async () => {
        const run = await runOf(user, runId)
        return ['success', 'error', 'canceled'].includes(run.status) ? run : undefined
      },
      `run ${runId} to finish`,
      ms,
    )

  const executorWorkers = () => stack.functionWorkers().filter((w) => w.function === 'ops-executor')

  /** Each step's request went out once, in order; every line is there; no step started twice. */
  async function expectEveryStepOnce(runId: string, steps: number) {
    const paths = remote.requests.map((r) => r.path).filter((path) => path.startsWith('/step/'))
    expect(paths).toEqual(Array.from({ length: steps }, (_, i) => `/step/${i + 1}`))
    const run = await runOf(user, runId)
    expect(Object.values(run.step_results).map((r: any) => [r.status, r.starts])).toEqual(
      Array.from({ length: steps }, () => ['succeeded', 1]),
    )
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    const starts = events.filter((e) => /^Step s\d+: /.test(e.message)).map((e) => e.step_id)
    expect(starts).toEqual(Array.from({ length: steps }, (_, i) => `s${i + 1}`))
    expect(events.filter((e) => /cut off/.test(e.message))).toEqual([])
    return events
  }

  it(
    'retires a worker past the soft CPU limit: beforeunload hands the run back and the next worker goes on',
    { timeout: 180_000 },
    async () => {
      stack.setFunctionLimits({ softCpuMs: 50 })
      try {
        remote.requests.length = 0
        const before = executorWorkers().length
        const runId = await createRun(user, { template: 'twenty', inputs: { env: 'staging', base_url: remote.url } })
        await invoke(runId)
        expect((await finished(runId)).status).toBe('success')
        const events = await expectEveryStepOnce(runId, 20)
        const handBacks = events.filter((e) => e.message.startsWith('Handing the run back')).map((e) => e.message)
        expect(handBacks.length).toBeGreaterThan(0)
        for (const message of handBacks)
          expect(message).toMatch(
            /^Handing the run back \(the runtime is retiring this worker: cpu\); the next invocation continues at step s\d+$/,
          )
        const used = executorWorkers().slice(before)
        expect(used.length).toBeGreaterThan(handBacks.length)
        expect(used.filter((w) => w.retired === 'cpu').length).toBeGreaterThanOrEqual(handBacks.length)
        expect(used.every((w) => !w.killed)).toBe(true)
      } finally {
        stack.setFunctionLimits({ softCpuMs: HOSTED_LIMITS.softCpuMs })
      }
    },
  )

  it(
    'kills a worker past the hard CPU limit mid-POST; the next invocation resumes the run and does not send the POST again',
    { timeout: 180_000 },
    async () => {
      stack.setFunctionLimits({ softCpuMs: 60_000 })
      remote.on('/one', reply(200))
      remote.on('/three', reply(200))
      let hold: ServerResponse | undefined
      const charged = new Promise<void>((resolve) =>
        remote.on('/charge', (_request, _count, res) => {
          hold = res
          resolve()
        }),
      )
      try {
        const runId = await createRun(user, { template: 'charge', inputs: { env: 'staging', base_url: remote.url } })
        await invoke(runId)
        await charged
        const worker = executorWorkers().at(-1)!
        // The POST is out and the worker still busy with the run: any CPU is now past the hard limit.
        stack.setFunctionLimits({ hardCpuMs: 0 })
        await waitFor(() => executorWorkers().find((w) => w.pid === worker.pid && w.state === 'exited'), 'the worker to be killed')
        stack.setFunctionLimits({ hardCpuMs: HOSTED_LIMITS.hardCpuMs })
        expect(executorWorkers().find((w) => w.pid === worker.pid)).toMatchObject({ killed: 'cpu', exit: { signal: 'SIGKILL' } })
        hold?.destroy()
        expect((await runOf(user, runId)).step_results.charge).toMatchObject({
          status: 'running',
          sent_result_unknown: `POST ${remote.url}/charge`,
        })

        // The killed worker's lease runs out (30 s; here at once), and the run is claimable again.
        await stack.db.query(`update ops.runs set lease_expires_at = now() - interval '1 second' where id = $1`, [runId])
        await invoke(runId)
        const run = await finished(runId)
        expect(run.status).toBe('error')
        expect([remote.count('/one'), remote.count('/charge'), remote.count('/three')]).toEqual([1, 1, 0])
        expect(run.step_results.charge).toMatchObject({ status: 'failed' })
        expect(run.step_results.charge.reason).toContain('sent, result unknown')
        expect(expectContiguous(await eventsOf(user, runId))).toBe(true)
      } finally {
        stack.setFunctionLimits({ softCpuMs: HOSTED_LIMITS.softCpuMs, hardCpuMs: HOSTED_LIMITS.hardCpuMs })
      }
    },
  )

  it(`completes a ${LONG}-step run across several invocations with no step repeated and no line lost`, { timeout: 600_000 }, async () => {
    remote.requests.length = 0
    const before = executorWorkers().length
    const runId = await createRun(user, { template: 'long', inputs: { env: 'staging', base_url: remote.url } })
    await invoke(runId)
    expect((await finished(runId, 540_000)).status).toBe('success')
    await expectEveryStepOnce(runId, LONG)
    const used = executorWorkers().slice(before)
    expect(used.length).toBeGreaterThan(1)
    expect(used.every((w) => !w.killed && w.maxBusyCpuMs < HOSTED_LIMITS.hardCpuMs)).toBe(true)
    for (const worker of used) expect(worker.v8Flags).toEqual([`--max-old-space-size=${HOSTED_LIMITS.memoryMb}`])
  })
})
