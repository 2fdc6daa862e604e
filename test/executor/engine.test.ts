/** The executor engine against the local stack, with a local server standing in for remote services. */
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import {
  addTemplate,
  artifactsOf,
  bindSecret,
  createRun,
  eventsOf,
  expectContiguous,
  personalWorkspace,
  runExecutor,
  runOf,
  waitFor,
} from '../support/executor.ts'

const CHECK_TEMPLATE = `version: 1
kind: check
title: Check the service
inputs:
  - { key: env, label: Environment, type: choice, options: [staging, production], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
secrets:
  - { name: REMOTE_TOKEN, required: true }
steps:
  - id: ping
    title: Ping the service
    phase: preflight
    kind: http
    with: { url: "\${{ inputs.base_url }}/ping", headers: { authorization: "Bearer \${{ secrets.REMOTE_TOKEN }}" } }
    retry: { max: 2, delay: 10ms }
  - id: work
    title: Do the work
    kind: http
    with: { method: POST, url: "\${{ inputs.base_url }}/work", body: { env: "\${{ env }}" }, expect_status: 202 }
    timeout: 400ms
  - id: verify
    title: Verify
    phase: verify
    kind: http
    with: { url: "\${{ inputs.base_url }}/verify", artifact: { kind: link, title: Status page } }
`

const WAIT_TEMPLATE = `version: 1
kind: check
title: Slow check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - { id: before, title: Before, phase: preflight, kind: wait, with: { duration: 10ms } }
  - { id: long-wait, title: Long wait, kind: wait, with: { duration: 30s } }
  - { id: after, title: After, phase: verify, kind: wait, with: { duration: 10ms } }
`

describe.each(engines)('executor engine on %s', (engine) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient
  let workspace: string
  let secrets: Record<string, string>

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote()
    // The stand-in lives on loopback, which the address policy refuses: allow exactly its host:port.
    stack.allowEgress(remote.url)
    ;({ client: user } = await stack.anonymousUser())
    workspace = await personalWorkspace(user)
    await addTemplate(stack, 'check', CHECK_TEMPLATE, workspace)
    await addTemplate(stack, 'slow-check', WAIT_TEMPLATE, workspace)
    // The stand-in service is the one host the workspace's token may go to.
    await bindSecret(stack, 'REMOTE_TOKEN', workspace, [new URL(remote.url).hostname])
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })
  beforeEach(() => {
    remote.requests.length = 0
    remote.on('/ping', reply(200, '{"ok":true}'))
    remote.on('/work', reply(202, '{"accepted":true}'))
    remote.on('/verify', reply(200, '{"healthy":true}'))
    secrets = { REMOTE_TOKEN: 'tok-canary-5f1e2d3c4b' }
  })

  smoke('runs the phases in order to success, with seq 1..N, step results and artifacts', async () => {
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    const report = await runExecutor(stack, runId, secrets)
    expect(report.runs).toEqual([{ id: runId, outcome: 'success' }])

    const run = await runOf(user, runId)
    expect(run).toMatchObject({ status: 'success', attempt: 1, error: null })
    expect(run.summary).toMatch(/^Succeeded: Check the service in staging, 3 steps in \d/)
    expect(Object.fromEntries(Object.entries(run.step_results).map(([id, r]: [string, any]) => [id, r.status]))).toEqual({
      ping: 'succeeded',
      work: 'succeeded',
      verify: 'succeeded',
    })

    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(events.at(-1)!.seq).toBe(run.last_seq)
    const phases = events.filter((e) => e.source === 'phase').map((e) => e.message.split(':')[0])
    expect(phases).toEqual([
      'Phase 0 · validate',
      'Phase 0 · validate passed',
      'Phase 1 · preflight',
      'Phase 1 · preflight finished in ' + phases[3].slice('Phase 1 · preflight finished in '.length),
      'Phase 2 · execute',
      phases[5],
      'Phase 3 · verify',
      phases[7],
      'Phase 4 · summarize · Succeeded',
    ])
    expect(events.filter((e) => e.step_id === 'work').map((e) => e.phase)).toEqual(expect.arrayContaining(['execute']))
    const response = events.find((e) => e.step_id === 'work' && e.data?.response)
    expect(response?.data?.response).toMatchObject({ status: 202, body_preview: '{"accepted":true}' })
    expect(JSON.parse(remote.requests.find((r) => r.path === '/work')!.body)).toEqual({ env: 'staging' })

    expect(await artifactsOf(user, runId)).toEqual([
      expect.objectContaining({ kind: 'link', title: 'Status page', url: `${remote.url}/verify`, step_id: 'verify' }),
    ])
  })

  it('never writes a secret: not in events, step results, artifacts or the request log', async () => {
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    await runExecutor(stack, runId, secrets)
    expect(remote.requests.find((r) => r.path === '/ping')!.headers.authorization).toBe(`Bearer ${secrets.REMOTE_TOKEN}`)
    const stored = JSON.stringify([await runOf(user, runId), await eventsOf(user, runId), await artifactsOf(user, runId)])
    expect(stored).not.toContain(secrets.REMOTE_TOKEN)
  })

  it('fails a step after its retries, names it in the error, skips later steps and still summarizes', async () => {
    remote.on('/ping', reply(503, 'down'))
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    expect((await runExecutor(stack, runId, secrets)).runs[0].outcome).toBe('error')
    expect(remote.count('/ping')).toBe(3)
    expect(remote.count('/work')).toBe(0)
    const run = await runOf(user, runId)
    expect(run.status).toBe('error')
    expect(run.error).toBe(`step ping failed: GET ${remote.url}/ping answered 503, expected a 2xx status`)
    expect(run.summary).toBe(`Failed at step ping: GET ${remote.url}/ping answered 503, expected a 2xx status`)
    const events = await eventsOf(user, runId)
    expect(events.filter((e) => e.level === 'warn' && e.message.startsWith('Attempt')).map((e) => e.message.split(':')[0])).toEqual([
      'Attempt 1 of 3 failed',
      'Attempt 2 of 3 failed',
    ])
    expect(events.at(-1)!.message).toMatch(/^Phase 4 · summarize · Failed at step ping/)
    expect(run.step_results.ping).toMatchObject({ status: 'failed', attempts: 3 })
    expect(run.step_results.work).toBeUndefined()
  })

  it('retries a failing step and succeeds', async () => {
    remote.on('/ping', (_, count, res) => {
      res.writeHead(count < 3 ? 500 : 200).end()
    })
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    expect((await runExecutor(stack, runId, secrets)).runs[0].outcome).toBe('success')
    expect((await runOf(user, runId)).step_results.ping).toMatchObject({ status: 'succeeded', attempts: 3 })
  })

  it('times a step out', async () => {
    remote.on('/work', () => new Promise(() => {}))
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    await runExecutor(stack, runId, secrets)
    const run = await runOf(user, runId)
    expect(run).toMatchObject({ status: 'error', error: 'step work failed: timed out after 400 ms' })
  })

  smoke('cancels a running run at the next safe point, and runs no later step', async () => {
    const runId = await createRun(user, { template: 'slow-check' })
    const execution = runExecutor(stack, runId, {})
    await waitFor(async () => ((await runOf(user, runId)).current_step === 'long-wait' ? true : undefined), 'the long wait')
    const { error } = await user.rpc('request_cancel', { p_run_id: runId })
    expect(error).toBeNull()
    expect((await execution).runs[0].outcome).toBe('canceled')
    const run = await runOf(user, runId)
    expect(run).toMatchObject({ status: 'canceled', summary: 'Canceled on request at step long-wait' })
    // The interrupted step is recorded as canceled, with when it ended and how long it ran; not left running.
    expect(run.step_results['long-wait']).toMatchObject({
      status: 'canceled',
      finished_at: expect.any(String),
      duration_ms: expect.any(Number),
    })
    expect(Object.values(run.step_results).map((result) => result.status)).not.toContain('running')
    expect(run.step_results.after).toBeUndefined()
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(events.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Cancel requested by .+; stopping at the next safe point$/))
  })

  it('executes a dry run without sending anything, and says so', async () => {
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url }, dryRun: true })
    expect((await runExecutor(stack, runId, secrets)).runs[0].outcome).toBe('success')
    expect(remote.requests).toEqual([])
    const events = await eventsOf(user, runId)
    expect(events.some((e) => e.message.startsWith('DRY RUN: this run sends nothing anywhere'))).toBe(true)
    const dry = events.filter((e) => e.message.startsWith('DRY RUN (this run is a dry run): would send'))
    expect(dry.map((e) => e.step_id)).toEqual(['ping', 'work', 'verify'])
    expect(dry[0].message).toContain('authorization: ***')
    expect(dry[1].message).toContain(`POST to ${remote.url}/work`)
    expect(dry[1].message).toContain('{"env":"staging"}')
    expect((await runOf(user, runId)).summary).toMatch(/3 steps \(3 as dry runs\)/)
    expect(JSON.stringify(events)).not.toContain(secrets.REMOTE_TOKEN)
  })

  it('fails validation for a required secret that is bound but not set, before any step', async () => {
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    await runExecutor(stack, runId, { REMOTE_TOKEN: undefined })
    const run = await runOf(user, runId)
    expect(run.status).toBe('error')
    expect(run.error).toBe(
      "validation failed: required secret REMOTE_TOKEN is bound but not set in the function's environment (supabase secrets set REMOTE_TOKEN=…)",
    )
    expect(remote.requests).toEqual([])
  })

  it('fails validation for a required secret the workspace does not bind, saying how to bind it', async () => {
    // Set in the function's environment, but bound to another workspace only.
    const { client: other } = await stack.anonymousUser()
    const otherWorkspace = await personalWorkspace(other)
    await addTemplate(stack, 'check', CHECK_TEMPLATE, otherWorkspace)
    const runId = await createRun(other, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    await runExecutor(stack, runId, secrets)
    const run = await runOf(other, runId)
    expect(run.error).toBe(
      `validation failed: required secret REMOTE_TOKEN is not bound to this workspace (bind it as the service role: select ops.bind_secret('REMOTE_TOKEN', '${otherWorkspace}', array['127.0.0.1']))`,
    )
    expect(remote.requests).toEqual([])
  })

  it('fails validation for inputs that do not fit the template, naming them', async () => {
    const runId = await createRun(user, { template: 'check', inputs: { env: 'moon', base_url: remote.url } })
    await runExecutor(stack, runId, secrets)
    expect((await runOf(user, runId)).error).toMatch(/validation failed: the inputs do not fit template check: env: .*moon/)
  })

  smoke('lets exactly one of two racing executors run a run', async () => {
    const runId = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    const reports = await Promise.all([runExecutor(stack, runId, secrets), runExecutor(stack, runId, secrets)])
    expect(reports.map((r) => r.runs[0].outcome).sort()).toEqual(['not_claimable', 'success'])
    expect(remote.count('/work')).toBe(1)
    expect(expectContiguous(await eventsOf(user, runId))).toBe(true)
  })

  it('keeps the run within its time limit', async () => {
    await addTemplate(
      stack,
      'short-limit',
      WAIT_TEMPLATE.replace('steps:', 'timeout: 2s\nsteps:').replace('title: Slow check', 'title: Short limit'),
      workspace,
    )
    const runId = await createRun(user, { template: 'short-limit' })
    await runExecutor(stack, runId, {})
    expect(await runOf(user, runId)).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/^step long-wait failed: timed out after [\d.]+ m?s$/),
    })
  })

  it('hands a run back when its budget ends, and the next invocation waits only what is left', async () => {
    await addTemplate(
      stack,
      'budget',
      WAIT_TEMPLATE.replace('duration: 30s', 'duration: 3s').replace('title: Slow check', 'title: Budget'),
      workspace,
    )
    const runId = await createRun(user, { template: 'budget' })
    const continued: string[] = []
    const first = await runExecutor(
      stack,
      runId,
      {},
      {
        // Hands back 2 s in: validation and the first step are done by then even on a busy machine,
        // and the 3 s wait is not.
        budgetMs: 2400,
        handBackMarginMs: 400,
        continueRun: (id) => {
          continued.push(id)
          return Promise.resolve()
        },
      },
    )
    expect(first.runs[0].outcome).toBe('handed_back')
    expect(continued).toEqual([runId])
    expect(await runOf(user, runId)).toMatchObject({ status: 'queued', claimed_by: null })
    const second = await runExecutor(stack, runId, {})
    expect(second.runs[0].outcome).toBe('success')
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    const waitLines = events.filter((e) => e.step_id === 'long-wait').map((e) => e.message.replace(/[\d.]+ s/g, 'N s'))
    expect(waitLines.filter((line) => /^(Waiting|Resuming the wait|Waited)/.test(line))).toEqual([
      'Waiting N s',
      'Resuming the wait: N s left of N s',
      'Waited the last N s (N s in all)',
    ])
    const run = await runOf(user, runId)
    // A hand-back uses no attempt, and the wait continues without counting as a new start.
    expect(run.attempt).toBe(1)
    expect(run.step_results.before.starts).toBe(1)
    expect(run.step_results['long-wait'].starts).toBe(1)
  })

  it('gives up on a run that was claimed too many times, and on a step cut off three times', async () => {
    const tooMany = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    await stack.db.query('update ops.runs set attempt = 10 where id = $1', [tooMany])
    await runExecutor(stack, tooMany, secrets)
    expect(await runOf(user, tooMany)).toMatchObject({ status: 'error', error: 'the executor gave up after 10 attempts to run it' })

    const cutOff = await createRun(user, { template: 'check', inputs: { env: 'staging', base_url: remote.url } })
    await stack.db.query(`update ops.runs set step_results = '{"ping":{"status":"running","starts":3}}' where id = $1`, [cutOff])
    await runExecutor(stack, cutOff, secrets)
    expect(await runOf(user, cutOff)).toMatchObject({
      status: 'error',
      error: 'step ping failed: it was cut off 3 times without finishing',
    })
    expect(remote.count('/ping')).toBe(0)
  })
})
