/**
 * The local stack stopped in the middle of a run (PGlite on disk) and started again: nothing is
 * lost and the run finishes. Stopped gracefully (Ctrl-C hands the run back) and killed outright
 * (the lease expires and the drain resumes the run).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli, type RunningCli } from '../support/cli.ts'
import { opsClient, type OpsClient } from '../support/stack.ts'
import { eventsOf, expectContiguous, personalWorkspace, runOf, waitFor } from '../support/executor.ts'

const TEMPLATE = `version: 1
kind: check
title: Restart test
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
  - { id: first, title: First, phase: preflight, kind: wait, with: { duration: 10ms } }
  - { id: long, title: Long wait, kind: wait, with: { duration: 4s } }
  - { id: last, title: Last, phase: verify, kind: wait, with: { duration: 10ms } }
`

const running: RunningCli[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()))
})

const keyFrom = (output: string, label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(output)![1]

async function start(dataDir: string) {
  const cli = startCli(['--port', '0', '--data-dir', dataDir], { OPS_EXECUTOR_LEASE_SECONDS: '2' })
  running.push(cli)
  const url = await cli.ready
  return { cli, url, anonKey: keyFrom(cli.output(), 'publishable key'), serviceKey: keyFrom(cli.output(), 'secret key') }
}

async function startRunAndWaitForLongStep(
  url: string,
  anonKey: string,
  serviceKey: string,
): Promise<{ user: OpsClient; runId: string; session: unknown }> {
  const service = opsClient(url, serviceKey)
  const user = opsClient(url, anonKey)
  const { data: session } = await user.auth.signInAnonymously()
  // Templates belong to a workspace: this one to the user's personal workspace.
  await service
    .from('run_templates')
    .upsert(
      { workspace_id: await personalWorkspace(user), slug: 'restart-test', kind: 'check', title: 'Restart test', template_yaml: TEMPLATE },
      { onConflict: 'workspace_id,slug' },
    )
  const { data: run } = await user
    .from('runs')
    .insert({ template_slug: 'restart-test', kind: 'check', env: 'staging', title: 'Restart me', inputs: { env: 'staging' } })
    .select('id')
    .single()
  await waitFor(async () => ((await runOf(user, run!.id)).current_step === 'long' ? true : undefined), 'the long step to start')
  return { user, runId: run!.id, session: session.session }
}

async function finished(url: string, anonKey: string, session: { access_token: string; refresh_token: string }, runId: string) {
  const user = opsClient(url, anonKey)
  await user.auth.setSession(session)
  const run = await waitFor(
    async () => {
      const current = await runOf(user, runId)
      return current.status === 'success' ? current : undefined
    },
    'the run to finish after the restart',
    30_000,
  )
  const events = await eventsOf(user, runId)
  return { run, events }
}

describe('restarting the local stack mid-run', () => {
  it('Ctrl-C hands the run back; the next start finishes it with the log intact', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ops-restart-'))
    const first = await start(dataDir)
    const { runId, session } = await startRunAndWaitForLongStep(first.url, first.anonKey, first.serviceKey)
    expect(await first.cli.stop()).toBe(0)

    const second = await start(dataDir)
    const { run, events } = await finished(second.url, second.anonKey, session as never, runId)
    // Handing back on shutdown uses no attempt.
    expect(run.attempt).toBe(1)
    expect(expectContiguous(events)).toBe(true)
    const messages = events.map((e) => e.message)
    expect(messages.filter((m) => m === 'Step first: First')).toHaveLength(1)
    // Ctrl-C retires the function's Deno worker as the hosted runtime ends one (`beforeunload`
    // with reason `termination`); an in-process executor hears that the stack is stopping.
    expect(
      messages.some((m) =>
        /^Handing the run back \((the runtime is retiring this worker: termination|the local stack is stopping)\)/.test(m),
      ),
    ).toBe(true)
    expect(messages.some((m) => m.startsWith('Resuming the wait:'))).toBe(true)
  }, 120_000)

  it('a killed stack loses nothing: after the lease expires the drain resumes the run', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ops-restart-'))
    const first = await start(dataDir)
    const { runId, session } = await startRunAndWaitForLongStep(first.url, first.anonKey, first.serviceKey)
    first.cli.child.kill('SIGKILL')
    await first.cli.exited

    const second = await start(dataDir)
    const { run, events } = await finished(second.url, second.anonKey, session as never, runId)
    expect(run.attempt).toBe(2)
    expect(expectContiguous(events)).toBe(true)
    expect(events.at(-1)!.seq).toBe(run.last_seq)
    expect(events.map((e) => e.message).filter((m) => m === 'Step first: First')).toHaveLength(1)
  }, 120_000)
})
