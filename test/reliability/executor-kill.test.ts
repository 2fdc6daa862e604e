/**
 * Executors killed with SIGKILL at random points across 50 runs: every run still reaches a final
 * status, every run's events are seq 1..N with no gap or duplicate, and no step that was recorded
 * as finished is ever sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, createRun, eventsOf, expectContiguous, runExecutor } from '../support/executor.ts'
import { seededRandom } from '../support/random.ts'

const RUNS = 50
const STEPS = ['s1', 's2', 's3', 's4']

const TEMPLATE = `version: 1
kind: check
title: Kill test
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base, label: Base URL, type: string, required: true }
  - { key: tag, label: Tag, type: string, required: true }
steps:
${STEPS.map((id, i) => `  - { id: ${id}, title: Step ${id}, phase: ${['preflight', 'execute', 'execute', 'verify'][i]}, kind: http, with: { url: "\${{ inputs.base }}/\${{ inputs.tag }}/${id}" } }`).join('\n')}
`

// Real Postgres when the run has one (concurrent claimers are what it is for), PGlite otherwise.
const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite'

describe(`executors killed at random points (${engine})`, () => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient
  const arrivals: { path: string; at: number }[] = []

  beforeAll(async () => {
    stack = await startTestStack(engine, { functionsRuntime: 'deno' })
    remote = await startRemote()
    // Also reaches the executors in child processes, which inherit the stack's OPS_EGRESS_ALLOW.
    stack.allowEgress(remote.url)
    ;({ client: user } = await stack.anonymousUser())
    await addTemplate(stack, 'kill-test', TEMPLATE)
    // One person queues all 50 runs in one workspace: the deployment raises its per-starter limit
    // (10 by default) and its running limit (5), so kills spread over every run as they did before
    // the limits; with 5 slots, the killed runs' expired leases would take every claim and soon
    // exhaust their 10 attempts (test/security/fair-queues.test.ts covers the limits).
    const { error } = await stack
      .client(stack.serviceRoleKey)
      .rpc('set_queue_limits', { p_max_running_per_workspace: RUNS, p_max_active_per_starter: RUNS })
    if (error) throw new Error(`raising the queue limits: ${error.message}`)
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })

  it('finishes every run with a gap-free log and never repeats a finished step', async () => {
    const next = seededRandom(20251126)
    for (let run = 0; run < RUNS; run++) {
      for (const step of STEPS) {
        remote.on(`/run${run}/${step}`, (request, _count, res) => {
          arrivals.push({ path: request.path, at: Date.now() })
          setTimeout(() => res.writeHead(200).end(), 10 + Math.floor(next() * 60))
        })
      }
    }
    const runIds: string[] = []
    for (let run = 0; run < RUNS; run++) {
      runIds.push(
        await createRun(user, {
          template: 'kill-test',
          title: `run ${run}`,
          inputs: { env: 'staging', base: remote.url, tag: `run${run}` },
        }),
      )
    }

    const status = async () => {
      const { data } = await stack.client(stack.serviceRoleKey).from('runs').select('id, status').in('id', runIds)
      return new Map((data ?? []).map((row) => [row.id, row.status]))
    }
    const allFinished = async () => [...(await status()).values()].every((s) => ['success', 'error', 'canceled'].includes(s))

    // Lives of executors: three at a time, each killed at a random moment after it starts.
    let kills = 0
    const life = () =>
      new Promise<void>((resolve) => {
        const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/support/executor-child.ts'], {
          env: {
            ...process.env,
            STACK_URL: stack.url,
            SERVICE_KEY: stack.serviceRoleKey,
            LEASE_SECONDS: '1',
            WORKER_ID: `life-${kills}-${Math.floor(next() * 1e6)}`,
          },
          stdio: ['ignore', 'pipe', 'ignore'],
        })
        child.on('exit', () => resolve())
        child.stdout!.once('data', () => {
          setTimeout(
            () => {
              kills++
              child.kill('SIGKILL')
            },
            Math.floor(next() * 900),
          )
        })
      })
    for (let round = 0; round < 25 && !(await allFinished()); round++) {
      await Promise.all([life(), life(), life()])
    }
    expect(kills).toBeGreaterThan(10)

    // Whatever is left: leases expire, and one last executor, never killed, drains the queue.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    for (let round = 0; round < 10 && !(await allFinished()); round++) {
      for (const id of runIds) await runExecutor(stack, id, {}, { leaseSeconds: 1 })
      await new Promise((resolve) => setTimeout(resolve, 1100))
    }
    expect(await allFinished()).toBe(true)

    const service = stack.client(stack.serviceRoleKey)
    const { data: runs } = await service.from('runs').select('id, title, status, error, last_seq, step_results, attempt').in('id', runIds)
    let resumed = 0
    for (const run of runs ?? []) {
      const tag = run.title.replace('run ', 'run')
      if (run.status === 'error') expect(run.error).toMatch(/^step s\d failed: it was cut off 3 times without finishing$/)
      else expect(run.status).toBe('success')
      if (run.attempt > 1) resumed++
      const events = await eventsOf(service, run.id)
      expect(expectContiguous(events), `run ${run.title} has a gap or duplicate`).toBe(true)
      expect(events.at(-1)?.seq).toBe(run.last_seq)
      for (const step of STEPS) {
        const result = run.step_results[step]
        const sent = arrivals.filter((a) => a.path === `/${tag}/${step}`)
        // Each start sends at most once (the process may die before sending)…
        expect(sent.length, `${run.title} ${step}`).toBeLessThanOrEqual(result?.starts ?? 0)
        // …and nothing is sent after the step was recorded as finished.
        if (result?.status === 'succeeded') {
          expect(
            sent.every((a) => a.at <= Date.parse(result.finished_at ?? '')),
            `${run.title} ${step} was sent after it finished`,
          ).toBe(true)
        }
      }
    }
    expect(resumed).toBeGreaterThan(0)
  }, 600_000)
})
