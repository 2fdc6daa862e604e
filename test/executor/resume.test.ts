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

/** A POST in the middle; `repeat` lets a resumed run send it again. */
const chargeTemplate = (repeat: boolean) => `version: 1
kind: check
title: Charge
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
  - { id: one, title: One, kind: http, with: { url: "\${{ inputs.base_url }}/one" } }
  - { id: charge, title: Charge, kind: http, ${repeat ? 'repeat_if_interrupted: true, ' : ''}with: { method: POST, url: "\${{ inputs.base_url }}/charge", body: { amount: 1 } } }
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
    const workspace = await personalWorkspace(user)
    await addTemplate(stack, 'three-steps', THREE_STEPS, workspace)
    await addTemplate(stack, 'charge', chargeTemplate(false), workspace)
    await addTemplate(stack, 'charge-again', chargeTemplate(true), workspace)
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
    // A slow heartbeat (and cancel poll, which beats too) lets the lease lapse while step two hangs;
    // another executor takes over.
    const stale = runExecutor(stack, runId, {}, { workerId: 'stale', leaseSeconds: 1, heartbeatMs: 60_000, cancelPollMs: 60_000 })
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
  /** Runs `runId` in a child executor, kills it (SIGKILL) while /charge hangs, and waits for its lease to expire. */
  async function killDuringCharge(runId: string): Promise<void> {
    let release: () => void = () => {}
    const reached = new Promise<void>((resolve) => {
      remote.on('/charge', (_, count, res) => {
        if (count === 1) {
          release = () => res.destroy()
          resolve()
        } else res.writeHead(201).end('{"charged":true}')
      })
    })
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
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const died = new Promise<never>((_, reject) =>
      child.on('exit', (code) => code !== null && reject(new Error(`executor exited with ${code}: ${stderr}`))),
    )
    await Promise.race([reached, died])
    child.kill('SIGKILL')
    await exited
    release()
    await waitFor(
      async () => ((await runOf(user, runId)).lease_expires_at! < new Date().toISOString() ? true : undefined),
      'the lease to expire',
    )
  }

  it('does not send a POST twice after a kill: the resumed run fails the step, sent with its result unknown', async () => {
    remote.on('/one', reply(200))
    remote.on('/three', reply(200))
    remote.requests.length = 0
    const runId = await createRun(user, { template: 'charge', inputs: { env: 'staging', base_url: remote.url } })
    await killDuringCharge(runId)
    // What the killed executor left: the step running, its POST marked as sent before it went out.
    expect((await runOf(user, runId)).step_results.charge).toMatchObject({
      status: 'running',
      sent_result_unknown: `POST ${remote.url}/charge`,
    })

    const report = await runExecutor(stack, runId, {}, { workerId: 'rescuer' })
    expect(report.runs).toEqual([{ id: runId, outcome: 'error' }])
    expect([remote.count('/one'), remote.count('/charge'), remote.count('/three')]).toEqual([1, 1, 0])
    const run = await runOf(user, runId)
    const reason = `its POST ${remote.url}/charge request was sent, result unknown: the executor was stopped before the answer came, so it is not sent again (set repeat_if_interrupted: true on the step to send it again after an interruption)`
    expect(run.step_results.charge).toMatchObject({ status: 'failed', reason })
    expect(run.step_results.charge.sent_result_unknown).toBeUndefined()
    expect(run.error).toContain('sent, result unknown')
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(events.map((e) => e.message)).toContain(`Step charge failed: ${reason}`)
    expect(events.map((e) => e.message).filter((m) => m.startsWith('Step charge was cut off'))).toEqual([])
  })

  it('sends the POST again after a kill when the template says repeat_if_interrupted', async () => {
    remote.on('/one', reply(200))
    remote.on('/three', reply(200))
    remote.requests.length = 0
    const runId = await createRun(user, { template: 'charge-again', inputs: { env: 'staging', base_url: remote.url } })
    await killDuringCharge(runId)
    const report = await runExecutor(stack, runId, {}, { workerId: 'rescuer' })
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])
    expect([remote.count('/one'), remote.count('/charge'), remote.count('/three')]).toEqual([1, 2, 1])
    expect((await runOf(user, runId)).step_results.charge).toMatchObject({ status: 'succeeded', starts: 2 })
  })
})
