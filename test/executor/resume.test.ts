/**
 * An executor killed mid-step (SIGKILL, as the platform cuts a function off) and the run resumed
 * by another invocation: no finished step repeats, no event is lost or duplicated.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { spawn } from 'node:child_process'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, createRun, eventsOf, expectContiguous, personalWorkspace, runExecutor, runOf, waitFor } from '../support/executor.ts'

const THREE_STEPS = `version: 1
kind: check
title: Three steps
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
  - { id: one, title: One, kind: http, with: { url: "\${{ inputs.base_url }}/one" } }
  - { id: two, title: Two, kind: http, with: { url: "\${{ inputs.base_url }}/two" } }
  - { id: three, title: Three, kind: http, with: { url: "\${{ inputs.base_url }}/three" } }
`

describe.each(engines)('resuming a killed executor on %s', (engine) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote()
    stack.allowEgress(remote.url)
    ;({ client: user } = await stack.anonymousUser())
    await addTemplate(stack, 'three-steps', THREE_STEPS, await personalWorkspace(user))
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })

  smoke('continues at the cut-off step after the lease expires, repeating no finished step', async () => {
    remote.on('/one', reply(200))
    remote.on('/three', reply(200))
    let release: () => void = () => {}
    const twoReached = new Promise<void>((resolve) => {
      // The first call of step two hangs (the executor is killed meanwhile); later ones answer.
      remote.on('/two', (_, count, res) => {
        if (count === 1) {
          release = () => res.destroy()
          resolve()
        } else {
          res.writeHead(200).end()
        }
      })
    })
    const runId = await createRun(user, { template: 'three-steps', inputs: { env: 'staging', base_url: remote.url } })

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/executor-child.ts'], {
      env: {
        ...process.env,
        STACK_URL: stack.url,
        SERVICE_KEY: stack.serviceRoleKey,
        RUN_ID: runId,
        WORKER_ID: 'doomed',
        LEASE_SECONDS: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    // If the child dies on its own (not killed), say why instead of waiting for step two forever.
    const died = new Promise<never>((_, reject) =>
      child.on('exit', (code) => code !== null && reject(new Error(`executor exited with ${code}: ${stderr}`))),
    )
    await Promise.race([twoReached, died])
    child.kill('SIGKILL')
    await exited
    release()

    const cut = await runOf(user, runId)
    expect(cut).toMatchObject({ status: 'running', claimed_by: 'doomed', current_step: 'two' })
    expect(cut.step_results.one.status).toBe('succeeded')
    expect(cut.step_results.two.status).toBe('running')

    // The lease of one second expires; the next invocation takes the run over.
    await waitFor(
      async () => ((await runOf(user, runId)).lease_expires_at! < new Date().toISOString() ? true : undefined),
      'the lease to expire',
    )
    const report = await runExecutor(stack, runId, {}, { workerId: 'rescuer' })
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])

    expect([remote.count('/one'), remote.count('/two'), remote.count('/three')]).toEqual([1, 2, 1])
    const run = await runOf(user, runId)
    expect(run).toMatchObject({ status: 'success', attempt: 2, claimed_by: 'rescuer' })
    expect(run.step_results.two).toMatchObject({ status: 'succeeded', starts: 2 })
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(events.at(-1)!.seq).toBe(run.last_seq)
    const messages = events.map((e) => e.message)
    expect(messages.filter((m) => m === 'Step one: One')).toHaveLength(1)
    expect(messages).toContain('Resuming at step two (attempt 2, executor rescuer)')
    expect(messages).toContain('Step two was cut off before it finished; running it again (start 2 of 3)')
    expect(new Set(messages.filter((m) => m.startsWith('Step one succeeded'))).size).toBe(1)
  })

  it('stops an executor whose lease was taken over: it writes nothing more', async () => {
    remote.on('/one', reply(200))
    remote.on('/three', reply(200))
    let unblock: () => void = () => {}
    const reached = new Promise<void>((resolve) => {
      remote.on('/two', (_, count, res) => {
        if (count === 1) {
          unblock = () => res.writeHead(200).end()
          resolve()
        } else {
          res.writeHead(200).end()
        }
      })
    })
    remote.requests.length = 0
    const runId = await createRun(user, { template: 'three-steps', inputs: { env: 'staging', base_url: remote.url } })
    // A slow heartbeat lets the lease lapse while step two hangs; another executor takes over.
    const stale = runExecutor(stack, runId, {}, { workerId: 'stale', leaseSeconds: 1, heartbeatMs: 60_000 })
    await reached
    await waitFor(
      async () => ((await runOf(user, runId)).lease_expires_at! < new Date().toISOString() ? true : undefined),
      'the lease to expire',
    )
    const rescue = await runExecutor(stack, runId, {}, { workerId: 'rescuer' })
    expect(rescue.runs[0].outcome).toBe('success')
    const before = (await eventsOf(user, runId)).length
    unblock()
    expect((await stale).runs[0].outcome).toBe('lease_lost')
    const events = await eventsOf(user, runId)
    expect(events).toHaveLength(before)
    expect(expectContiguous(events)).toBe(true)
    expect(await runOf(user, runId)).toMatchObject({ status: 'success', claimed_by: 'rescuer' })
  })
})
