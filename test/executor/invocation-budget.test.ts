/**
 * The invocation's work budget: the executor hands a run back before the hosted CPU limit could
 * kill it mid-step (by measured CPU where the runtime offers it, else by its count of database
 * calls and steps), a drain takes a bounded number of runs, and every invocation ends with one
 * structured line saying what it did and why it stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
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
import { execute, type InvocationLine } from '../../supabase/functions/_shared/executor/engine.ts'

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

/** The longest run here: four invocations of 60 steps (the template cap, MAX_STEPS, is higher). */
const LONGEST = 200

const processCpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

describe.each(engines)('the invocation budget on %s', (engine) => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote()
    stack.allowEgress(remote.url)
    for (let i = 1; i <= LONGEST; i++) remote.on(`/step/${i}`, reply(200, '{"ok":true}'))
    ;({ client: user } = await stack.anonymousUser())
    const workspace = await personalWorkspace(user)
    await addTemplate(stack, 'longest', stepsTemplate(LONGEST), workspace)
    await addTemplate(stack, 'three', stepsTemplate(3), workspace)
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })

  it(
    `runs a ${LONGEST}-step run across several invocations: no step repeated, no line lost, one log line per invocation`,
    { timeout: 600_000 },
    async () => {
      remote.requests.length = 0
      const runId = await createRun(user, { template: 'longest', inputs: { env: 'staging', base_url: remote.url } })
      const lines: InvocationLine[] = []
      const outcomes: string[] = []
      for (let invocation = 0; invocation < 10 && !outcomes.includes('success'); invocation++) {
        const report = await runExecutor(stack, runId, {}, { limits: { maxSteps: 60 }, invocationLog: (line) => lines.push(line) })
        outcomes.push(...report.runs.map((run) => run.outcome))
      }
      expect(outcomes).toEqual(['handed_back', 'handed_back', 'handed_back', 'success'])
      expect(lines.map((line) => [line.runs_claimed, line.steps, line.stopped])).toEqual([
        [1, 60, 'handed back'],
        [1, 60, 'handed back'],
        [1, 60, 'handed back'],
        [1, 20, 'finished'],
      ])
      for (const line of lines) {
        expect(line).toMatchObject({ event: 'ops-executor invocation', cpu_ms: null })
        expect(line.db_calls).toBeGreaterThan(2 * line.steps - 1)
        expect(line.wall_ms).toBeGreaterThanOrEqual(0)
      }

      // Each step's request went out once, in order.
      expect(remote.requests.map((r) => r.path)).toEqual(Array.from({ length: LONGEST }, (_, i) => `/step/${i + 1}`))
      const run = await runOf(user, runId)
      expect(run.status).toBe('success')
      expect(Object.values(run.step_results).map((r: any) => [r.status, r.starts])).toEqual(
        Array.from({ length: LONGEST }, () => ['succeeded', 1]),
      )
      // Every line of every invocation is there, numbered 1..N; each step was started once and never "cut off".
      const events = await eventsOf(user, runId)
      expect(expectContiguous(events)).toBe(true)
      const starts = events.filter((e) => /^Step s\d+: /.test(e.message)).map((e) => e.step_id)
      expect(starts).toEqual(Array.from({ length: LONGEST }, (_, i) => `s${i + 1}`))
      expect(events.filter((e) => /cut off/.test(e.message))).toEqual([])
      expect(events.filter((e) => e.message.startsWith('Handing the run back')).map((e) => e.message)).toEqual([
        'Handing the run back (this invocation ran 60 steps, its budget is 60); the next invocation continues at step s61',
        'Handing the run back (this invocation ran 60 steps, its budget is 60); the next invocation continues at step s121',
        'Handing the run back (this invocation ran 60 steps, its budget is 60); the next invocation continues at step s181',
      ])
    },
  )

  it('hands back by measured CPU where the runtime measures it, and by database calls otherwise', async () => {
    const byCpu = await createRun(user, { template: 'three', inputs: { env: 'staging', base_url: remote.url } })
    const lines: InvocationLine[] = []
    const first = await runExecutor(
      stack,
      byCpu,
      {},
      { cpuMs: processCpuMs, limits: { cpuBudgetMs: 1 }, invocationLog: (l) => lines.push(l) },
    )
    expect(first.runs).toEqual([{ id: byCpu, outcome: 'handed_back' }])
    expect(lines[0]).toMatchObject({ steps: 1, stopped: 'handed back' })
    expect(lines[0].cpu_ms).toBeGreaterThanOrEqual(1)
    expect((await eventsOf(user, byCpu)).map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^Handing the run back \(this invocation used \d+ ms of CPU, its budget is 1 ms\); the next invocation continues at step s2$/,
      ),
    )

    const byCalls = await createRun(user, { template: 'three', inputs: { env: 'staging', base_url: remote.url } })
    const counted = await runExecutor(stack, byCalls, {}, { limits: { maxCalls: 1 } })
    expect(counted.runs).toEqual([{ id: byCalls, outcome: 'handed_back' }])
    expect((await eventsOf(user, byCalls)).map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^Handing the run back \(this invocation made \d+ database calls, its budget is 1\); the next invocation continues at step s2$/,
      ),
    )
  })

  it('takes at most the set number of runs in one drain, and says so in its line', async () => {
    // The runs the test above handed back are queued too: the drain takes two of whatever is queued.
    for (let i = 0; i < 3; i++) await createRun(user, { template: 'three', inputs: { env: 'staging', base_url: remote.url } })
    const lines: InvocationLine[] = []
    const report = await execute(executorOptions(stack, {}, { maxRunsPerDrain: 2, invocationLog: (l) => lines.push(l) }), { drain: true })
    expect(report.runs).toHaveLength(2)
    expect(lines).toEqual([
      expect.objectContaining({
        runs_claimed: 2,
        stopped: 'limit',
        reason: 'this invocation took 2 runs, the most a drain takes; the next drain takes the rest',
      }),
    ])
    const { count } = await user.from('runs').select('id', { count: 'exact', head: true }).eq('status', 'queued')
    expect(count).toBeGreaterThan(0)
  })
})
