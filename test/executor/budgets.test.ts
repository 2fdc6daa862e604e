/**
 * Worker-true budgets: the hosted wall clock belongs to the worker (which serves several requests),
 * so an invocation's time counts from the worker's start; and only crashes and expired leases use
 * up a run's attempts, not voluntary hand-backs or approvals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import {
  addTemplate,
  createRun,
  eventsOf,
  executorOptions,
  expectContiguous,
  personalWorkspace,
  runExecutor,
  runOf,
} from '../support/executor.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'

const QUICK_TEMPLATE = `version: 1
kind: check
title: Quick check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - { id: only, title: Only, kind: wait, with: { duration: 10ms } }
`

const SLOW_TEMPLATE = `version: 1
kind: check
title: Slow check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - { id: long-wait, title: Long wait, kind: wait, with: { duration: 30s } }
`

const PATIENT_TEMPLATE = `version: 1
kind: check
title: Patient check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - { id: long-wait, title: Long wait, kind: wait, with: { duration: 5s } }
  - { id: sign-off, title: Sign off, kind: approval }
  - { id: after, title: After, phase: verify, kind: wait, with: { duration: 10ms } }
`

describe.each(engines)('worker-true budgets on %s', (engine) => {
  let stack: TestStack
  let user: OpsClient

  beforeAll(async () => {
    stack = await startTestStack(engine)
    ;({ client: user } = await stack.anonymousUser())
    const workspace = await personalWorkspace(user)
    await addTemplate(stack, 'quick', QUICK_TEMPLATE, workspace)
    await addTemplate(stack, 'slow', SLOW_TEMPLATE, workspace)
    await addTemplate(stack, 'patient', PATIENT_TEMPLATE, workspace)
  })
  afterAll(async () => {
    await stack.stop()
  })

  it('a request arriving 140 s into a 150 s worker claims nothing; the next worker runs the run', async () => {
    const runId = await createRun(user, { template: 'quick' })
    const diagnostics: string[] = []
    const late = { workerStartedAt: Date.now() - 140_000, workerWallClockMs: 150_000, diagnostics: (m: string) => diagnostics.push(m) }

    const report = await runExecutor(stack, runId, {}, late)
    expect(report.runs).toEqual([
      {
        id: runId,
        outcome: 'not_claimable',
        reason: expect.stringMatching(/^This executor's worker has \d+ s of its 150 s wall clock left, .*; the run stays queued/),
      },
    ])
    expect(diagnostics).toContainEqual(expect.stringMatching(/^This executor's worker has \d+ s of its 150 s wall clock left/))
    // A drain by that worker claims nothing either.
    expect((await execute(executorOptions(stack, {}, late), { drain: true })).runs).toEqual([])
    expect(await runOf(user, runId)).toMatchObject({ status: 'queued', claimed_by: null, attempt: 0 })

    const next = await runExecutor(stack, runId, {}, { workerStartedAt: Date.now(), workerWallClockMs: 150_000 })
    expect(next.runs).toEqual([{ id: runId, outcome: 'success' }])
    expect(await runOf(user, runId)).toMatchObject({ status: 'success', attempt: 1 })
  })

  it('hands back by the worker clock, not by the request budget', async () => {
    const runId = await createRun(user, { template: 'slow' })
    // 150 s wall clock, 30 s margin: a worker 118.5 s old has 1.5 s left, while the request alone would have 120 s.
    const report = await runExecutor(stack, runId, {}, { workerStartedAt: Date.now() - 118_500, workerWallClockMs: 150_000 })
    expect(report.runs).toEqual([{ id: runId, outcome: 'handed_back' }])
    expect(await runOf(user, runId)).toMatchObject({ status: 'queued', claimed_by: null })
  })

  it('a run handed back more often than the attempt limit, and parked for approval, still succeeds', async () => {
    const runId = await createRun(user, { template: 'patient' })
    // 3 attempts at most; each invocation waits 1 s at most (2 s budget, 1 s margin), so the 5 s wait is handed back 5 times or more.
    const options = { budgetMs: 2000, handBackMarginMs: 1000, maxAttempts: 3 }
    let handBacks = 0
    for (let invocation = 0; invocation < 40; invocation++) {
      const [{ outcome }] = (await runExecutor(stack, runId, {}, options)).runs
      if (outcome !== 'handed_back') break
      handBacks++
    }
    expect(handBacks).toBeGreaterThan(options.maxAttempts)
    expect(await runOf(user, runId)).toMatchObject({ status: 'waiting_approval', current_step: 'sign-off' })
    const { error } = await user.rpc('decide_approval', { p_run_id: runId, p_approve: true })
    expect(error).toBeNull()
    expect((await runExecutor(stack, runId, {}, options)).runs).toEqual([{ id: runId, outcome: 'success' }])

    const run = await runOf(user, runId)
    expect(run).toMatchObject({ status: 'success', attempt: 1, error: null })
    // A voluntary hand-back is no cut-off: the wait was started once.
    expect(run.step_results['long-wait']).toMatchObject({ status: 'succeeded', starts: 1 })
    const messages = (await eventsOf(user, runId)).map((e) => e.message)
    expect(messages.filter((m) => /cut off/.test(m))).toEqual([])
    expect(expectContiguous(await eventsOf(user, runId))).toBe(true)
  })

  it('a run whose executor dies (its lease expires) again and again still gives up, hand-backs in between or not', async () => {
    const runId = await createRun(user, { template: 'quick' })
    const claim = () => stack.db.query(`select * from ops.claim_run('doomed', $1, 30)`, [runId])
    for (let handBack = 0; handBack < 5; handBack++) {
      await claim()
      await stack.db.query(`select * from ops.release_run($1, 'doomed')`, [runId])
    }
    for (let crash = 0; crash < 10; crash++) {
      await claim()
      await stack.db.query(`update ops.runs set lease_expires_at = now() - interval '1 second' where id = $1`, [runId])
    }
    expect((await runExecutor(stack, runId, {})).runs).toEqual([{ id: runId, outcome: 'error' }])
    expect(await runOf(user, runId)).toMatchObject({
      status: 'error',
      attempt: 11,
      error: 'the executor gave up after 10 attempts to run it',
    })
  })
})
