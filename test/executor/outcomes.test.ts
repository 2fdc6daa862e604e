/**
 * What a run's outcome and log say happened: a dry run forced by a missing optional secret names
 * the secret and never passes for a plain success; a cancel stops a wait or a retry's back-off at
 * once; a resumed wait says what is really left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, createRun, eventsOf, expectContiguous, personalWorkspace, runExecutor, runOf, waitFor } from '../support/executor.ts'
import { outcomeOf } from '../../supabase/functions/_shared/vocabulary/index.ts'

const ANNOUNCE_TEMPLATE = `version: 1
kind: incident
title: Announce
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
secrets:
  - { name: HOOK_URL, required: false }
steps:
  - { id: health, title: Health, phase: preflight, kind: http, with: { url: "\${{ inputs.base_url }}/health" } }
  - id: announce
    title: Announce
    kind: http
    with: { method: POST, url: "\${{ secrets.HOOK_URL }}", body: { text: "hello" } }
`

/** A wait far longer than a cancel may take, then a step that must never run after a cancel. */
const WAIT_TEMPLATE = `version: 1
kind: check
title: Waits
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - { id: before, title: Before, phase: preflight, kind: wait, with: { duration: 10ms } }
  - { id: long-wait, title: Long wait, kind: wait, with: { duration: 3s } }
  - { id: after, title: After, phase: verify, kind: wait, with: { duration: 10ms } }
`

const RETRY_TEMPLATE = `version: 1
kind: check
title: Retries
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
  - id: flaky
    title: Flaky
    kind: http
    with: { url: "\${{ inputs.base_url }}/flaky" }
    retry: { max: 1, delay: 4s }
`

/** The executor's own default: one heartbeat every 10 s (a 30 s lease, three beats per lease). */
const PRODUCTION_HEARTBEAT = { heartbeatMs: 10_000 }

describe.each(engines)('run outcomes and cancel on %s', (engine) => {
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
    await addTemplate(stack, 'announce', ANNOUNCE_TEMPLATE, workspace)
    await addTemplate(stack, 'waits', WAIT_TEMPLATE, workspace)
    await addTemplate(stack, 'retries', RETRY_TEMPLATE, workspace)
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })
  beforeEach(() => {
    remote.requests.length = 0
    remote.on('/health', reply(200, '{"ok":true}'))
  })

  smoke('a missing optional secret makes the run a dry run that names it, and says what was sent and what was not', async () => {
    const runId = await createRun(user, { template: 'announce', inputs: { env: 'staging', base_url: remote.url } })
    expect((await runExecutor(stack, runId, {})).runs[0].outcome).toBe('success')
    const run = await runOf(user, runId)
    expect(outcomeOf(run)).toBe('dry_run')
    expect(run.summary).toMatch(
      /^Dry run: Announce in staging, 2 steps \(1 as dry run\) in [^;]+; sent: health; not sent: announce \(secret HOOK_URL is not bound to this workspace\)$/,
    )
    expect(remote.requests.map((request) => request.path)).toEqual(['/health'])
    const events = await eventsOf(user, runId)
    const dry = events.find((event) => event.step_id === 'announce' && event.message.startsWith('DRY RUN'))!
    // The unresolved template expression shows as the secret's name, never as template syntax.
    expect(dry.message).toContain('would send POST to <HOOK_URL>')
    expect(dry.message).not.toContain('${{')
    expect(events.at(-1)!.message).toMatch(/^Phase 4 · summarize · Dry run: /)
  })

  smoke('a cancel during a wait stops the wait at once: the run ends canceled and the wait never reads as done', async () => {
    const runId = await createRun(user, { template: 'waits' })
    const execution = runExecutor(stack, runId, {}, PRODUCTION_HEARTBEAT)
    await waitFor(async () => ((await runOf(user, runId)).current_step === 'long-wait' ? true : undefined), 'the long wait')
    expect((await user.rpc('request_cancel', { p_run_id: runId })).error).toBeNull()
    expect((await execution).runs[0].outcome).toBe('canceled')
    const run = await runOf(user, runId)
    expect(run).toMatchObject({ status: 'canceled', summary: 'Canceled on request at step long-wait' })
    expect(run.step_results['long-wait'].status).not.toBe('succeeded')
    expect(run.step_results.after).toBeUndefined()
    const events = await eventsOf(user, runId)
    expect(expectContiguous(events)).toBe(true)
    const waitLines = events.filter((event) => event.step_id === 'long-wait').map((event) => event.message)
    expect(waitLines.some((line) => line.startsWith('Waited'))).toBe(false)
    expect(waitLines.some((line) => / succeeded in /.test(line))).toBe(false)
    expect(waitLines.at(-1)).toMatch(/^Step long-wait stopped: the run was canceled after [\d.]+ (ms|s)$/)
  })

  it("a cancel during a retry's back-off ends the run canceled, without another attempt", async () => {
    remote.on('/flaky', reply(503, 'down'))
    const runId = await createRun(user, { template: 'retries', inputs: { env: 'staging', base_url: remote.url } })
    const execution = runExecutor(stack, runId, {}, PRODUCTION_HEARTBEAT)
    await waitFor(
      async () => ((await eventsOf(user, runId)).some((event) => event.message.startsWith('Attempt 1 of 2 failed')) ? true : undefined),
      'the back-off',
    )
    expect((await user.rpc('request_cancel', { p_run_id: runId })).error).toBeNull()
    expect((await execution).runs[0].outcome).toBe('canceled')
    expect(await runOf(user, runId)).toMatchObject({ status: 'canceled', summary: 'Canceled on request at step flaky' })
    expect(remote.count('/flaky')).toBe(1)
  })

  it('a resumed wait whose time already ran out says so, and does not claim to have waited it all', async () => {
    const runId = await createRun(user, { template: 'waits' })
    // As an earlier invocation leaves a long wait it handed back: started, its deadline stored, now passed.
    await stack.db.query(`update ops.runs set step_results = $2::jsonb where id = $1`, [
      runId,
      JSON.stringify({
        before: { status: 'succeeded', starts: 1 },
        'long-wait': { status: 'running', starts: 1, handed_back: true, deadline: '2000-01-01T00:00:00.000Z' },
      }),
    ])
    expect((await runExecutor(stack, runId, {})).runs[0].outcome).toBe('success')
    const lines = (await eventsOf(user, runId)).filter((event) => event.step_id === 'long-wait').map((event) => event.message)
    expect(lines.filter((line) => /wait|Wait/.test(line) && !line.startsWith('Step '))).toEqual([
      'Resuming the wait: nothing left of 3.0 s, it ended while the run was handed back',
    ])
  })

  it('a resumed wait with time left waits only that, and says so', async () => {
    const runId = await createRun(user, { template: 'waits' })
    const deadline = new Date(Date.now() + 1500).toISOString()
    await stack.db.query(`update ops.runs set step_results = $2::jsonb where id = $1`, [
      runId,
      JSON.stringify({
        before: { status: 'succeeded', starts: 1 },
        'long-wait': { status: 'running', starts: 1, handed_back: true, deadline },
      }),
    ])
    expect((await runExecutor(stack, runId, {})).runs[0].outcome).toBe('success')
    const lines = (await eventsOf(user, runId)).filter((event) => event.step_id === 'long-wait').map((event) => event.message)
    const waits = lines.filter((line) => /wait|Wait/.test(line) && !line.startsWith('Step '))
    expect(waits).toHaveLength(2)
    const left = /^Resuming the wait: ([\d.]+ s) left of 3\.0 s$/.exec(waits[0])?.[1]
    expect(left, waits[0]).toBeDefined()
    expect(waits[1]).toBe(`Waited the last ${left} (3.0 s in all)`)
  })
})
