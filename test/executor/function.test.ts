/**
 * The ops-executor Edge Function on the local stack, invoked as the plugin invokes it: each seeded
 * template, run by a signed-in user with functions.invoke, ends success with no internet, and
 * its events and artifacts are visible to that user's workspace only. Operators of the run's
 * workspace may invoke it; nobody else, and no signed-out session.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { matrix } from '../support/matrix.ts'
import { stackModes } from '../support/key-modes.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import {
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

const terminal = (status: string) => ['success', 'error', 'canceled', 'waiting_approval'].includes(status)

describe.each(stackModes)('ops-executor function on %s with %s API keys', (engine, keys) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine, keys)
  let stack: TestStack
  let owner: OpsClient
  let stranger: OpsClient
  let saved: Record<string, string | undefined>

  beforeAll(async () => {
    // Optional secrets are absent, so the external calls become dry runs, as on a new project.
    saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, SLACK_WEBHOOK_URL: process.env.SLACK_WEBHOOK_URL }
    delete process.env.GITHUB_TOKEN
    delete process.env.SLACK_WEBHOOK_URL
    stack = await startTestStack(engine, { keys, drainIntervalMs: 100 })
    ;({ client: owner } = await stack.anonymousUser())
    ;({ client: stranger } = await stack.anonymousUser())
  })
  afterAll(async () => {
    await stack.stop()
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)))
  })

  async function invokeAndWait(runId: string): Promise<Record<string, any>> {
    const { data, error } = await owner.functions.invoke('ops-executor', { body: { run_id: runId } })
    expect(error).toBeNull()
    expect(data).toEqual({ accepted: true, run_id: runId })
    return waitFor(async () => {
      const run = await runOf(owner, runId)
      return terminal(run.status) ? run : undefined
    }, `run ${runId} to finish`)
  }

  smoke('runs deploy-web to staging to success, dispatching as a dry run because GITHUB_TOKEN is not bound', async () => {
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging', service: 'web', ref: 'v2.3' } })
    const run = await invokeAndWait(runId)
    expect(run).toMatchObject({ status: 'success', error: null })
    // Nothing reached GitHub: the run is a dry run, and its summary says what was sent and what was not.
    expect(run.summary).toMatch(
      /^Dry run: Deploy web in staging, 4 steps \(1 as dry run\) in [^;]+; sent: health-before, health-after; not sent: dispatch \(secret GITHUB_TOKEN is not bound to this workspace\)$/,
    )
    const events = await eventsOf(owner, runId)
    expect(expectContiguous(events)).toBe(true)
    const dispatch = events.find((e) => e.step_id === 'dispatch' && e.message.startsWith('DRY RUN'))
    expect(dispatch?.message).toContain(
      'DRY RUN (secret GITHUB_TOKEN is not bound to this workspace): would send POST to https://api.github.com/repos/acme/web/actions/workflows/deploy.yml/dispatches',
    )
    expect(dispatch?.message).toContain('"ref":"main","inputs":{"environment":"staging","ref":"v2.3","action":"deploy"}')
    expect(events.filter((e) => e.step_id === 'health-before' && e.data?.response)).toHaveLength(1)
    // Nobody else sees any of it.
    const seen = await Promise.all([
      stranger.from('runs').select('*').eq('id', runId),
      stranger.from('run_events').select('*').eq('run_id', runId),
      stranger.from('artifacts').select('*').eq('run_id', runId),
    ])
    expect(seen.map(({ data }) => data)).toEqual([[], [], []])
  })

  it('runs incident-open to success with a proposed Spec Kit change as a diff artifact', async () => {
    const runId = await createRun(owner, {
      template: 'incident-open',
      title: 'sev2 checkout errors',
      inputs: { env: 'production', severity: 'sev2', summary: 'checkout errors' },
    })
    const run = await invokeAndWait(runId)
    expect(run.status).toBe('success')
    const artifacts = await artifactsOf(owner, runId)
    expect(artifacts).toEqual([expect.objectContaining({ kind: 'diff', title: 'Proposed change to tasks.md', step_id: 'follow-up' })])
    expect(artifacts[0].content).toContain('+- [ ] Follow up sev2 incident in production: checkout errors')
    expect(artifacts[0].content).toMatch(/^=+\n--- a\/tasks\.md\tversion 1\n\+\+\+ b\/tasks\.md\tproposed/m)
    const events = await eventsOf(owner, runId)
    expect(
      events.some(
        (e) =>
          e.step_id === 'announce' &&
          e.message.startsWith(
            'DRY RUN (secret SLACK_WEBHOOK_URL is not bound to this workspace): would send POST to <SLACK_WEBHOOK_URL> ',
          ),
      ),
    ).toBe(true)
    const { data: tasks } = await owner.from('spec_docs').select('version').eq('slug', 'continue-orchestrator/tasks').single()
    expect(tasks!.version).toBe(1)
  })

  smoke('parks a production deploy for approval; approving resumes it to success', async () => {
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'production' } })
    const parked = await invokeAndWait(runId)
    expect(parked).toMatchObject({ status: 'waiting_approval', current_step: 'policy-approval', claimed_by: null })
    expect(parked.step_results['health-before'].status).toBe('succeeded')
    const { error } = await owner.rpc('decide_approval', { p_run_id: runId, p_approve: true, p_comment: 'go' })
    expect(error).toBeNull()
    // The drain picks the requeued run up, as pg_cron would on hosted Supabase.
    const done = await waitFor(async () => {
      const run = await runOf(owner, runId)
      return run.status === 'success' ? run : undefined
    }, 'the approved run to finish')
    // Parking for approval uses no attempt.
    expect(done.attempt).toBe(1)
    const events = await eventsOf(owner, runId)
    expect(expectContiguous(events)).toBe(true)
    expect(events.filter((e) => e.message === 'Step health-before: Health check before deploy')).toHaveLength(1)
    expect(events.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Approved by .+: go$/))
  })

  it('rejecting a parked run cancels it', async () => {
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'production' } })
    await invokeAndWait(runId)
    await owner.rpc('decide_approval', { p_run_id: runId, p_approve: false, p_comment: 'not today' })
    const run = await runOf(owner, runId)
    expect(run).toMatchObject({ status: 'canceled', summary: expect.stringMatching(/^Rejected by .+ at step policy-approval$/) })
    expect(run.step_results.dispatch).toBeUndefined()
  })

  smoke('refuses a user outside the run’s workspace, a user draining the queue, and a caller without a session', async () => {
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging' } })
    await stack.db.query("update ops.runs set status = 'canceled', finished_at = now() where id = $1", [runId])
    const foreign = await stranger.functions.invoke('ops-executor', { body: { run_id: runId } })
    expect(foreign.error?.name).toBe('FunctionsHttpError')
    const context = (foreign.error as { context: Response }).context
    expect(context.status).toBe(404)
    expect(await context.json()).toEqual({ error: `run ${runId} not found among your workspaces' runs` })

    const drain = await owner.functions.invoke('ops-executor', { body: {} })
    expect((drain.error as { context: Response }).context.status).toBe(400)

    const anonymous = await stack.client().functions.invoke('ops-executor', { body: { run_id: runId } })
    expect((anonymous.error as { context: Response }).context.status).toBe(401)

    const garbage = await fetch(`${stack.url}/functions/v1/ops-executor`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.serviceRoleKey}` },
      body: '{"run_id": 42}',
    })
    expect(garbage.status).toBe(400)
    expect(await garbage.json()).toEqual({ error: 'run_id must be a uuid, got 42' })
  })

  smoke('refuses the token of a signed-out session, though it has not expired', async () => {
    const { client: leaving, accessToken } = await stack.anonymousUser()
    const runId = await createRun(leaving, { template: 'deploy-web', inputs: { env: 'staging' } })
    await stack.db.query("update ops.runs set status = 'canceled', finished_at = now() where id = $1", [runId])
    const invoke = () =>
      fetch(`${stack.url}/functions/v1/ops-executor`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, apikey: stack.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ run_id: runId }),
      })
    const before = await invoke()
    expect(before.status).toBe(202)
    await before.body?.cancel()
    expect((await leaving.auth.signOut()).error).toBeNull()
    const after = await invoke()
    expect(after.status).toBe(401)
    expect((await after.json()).error).toMatch(/^the caller is not signed in: /)
  })

  it('lets another operator of the run’s workspace invoke it, but not a viewer', async () => {
    const { data: team, error } = await owner.rpc('create_workspace', { p_name: 'Invokers' })
    if (error) throw new Error(error.message)
    const members: Record<string, OpsClient> = {}
    for (const role of ['operator', 'viewer']) {
      members[role] = (await stack.anonymousUser()).client
      const { data: invite } = await owner.rpc('create_invite', { p_workspace: team.id, p_role: role })
      expect((await members[role].rpc('accept_invite', { p_code: invite![0].code })).error).toBeNull()
    }
    const runId = await createRun(owner, { workspace: team.id, template: 'deploy-web', inputs: { env: 'staging' } })
    const viewer = await members.viewer.functions.invoke('ops-executor', { body: { run_id: runId } })
    expect((viewer.error as { context: Response }).context.status).toBe(404)
    const { data, error: invokeError } = await members.operator.functions.invoke('ops-executor', { body: { run_id: runId } })
    expect(invokeError).toBeNull()
    expect(data).toEqual({ accepted: true, run_id: runId })
    await waitFor(async () => ((await runOf(owner, runId)).status === 'success' ? true : undefined), 'the run to finish')
  })

  it('answers CORS preflight for the plugin iframe', async () => {
    const response = await fetch(`${stack.url}/functions/v1/ops-executor`, { method: 'OPTIONS', headers: { origin: 'null' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, x-client-info, apikey, content-type')
  })

  smoke('drains a run nobody invoked the function for', async () => {
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging' } })
    const run = await waitFor(async () => {
      const current = await runOf(owner, runId)
      return current.status === 'success' ? current : undefined
    }, 'the drain to finish the run')
    expect(run.summary).toMatch(/^Dry run: Deploy web in staging/)
  })

  it('counts OPS_EXECUTOR_WALL_CLOCK_SECONDS from the worker start: a worker past it claims nothing', async () => {
    // The function's worker (its module) is loaded by this request and is over a second old after the pause.
    await owner.functions.invoke('ops-executor', { body: {} })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const warnings: string[] = []
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')))
    process.env.OPS_EXECUTOR_WALL_CLOCK_SECONDS = '1'
    let runId: string
    try {
      runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging' } })
      const { data } = await owner.functions.invoke('ops-executor', { body: { run_id: runId } })
      expect(data).toEqual({ accepted: true, run_id: runId })
      // The plugin's request (the drain's say "queued runs stay queued").
      await waitFor(
        () =>
          warnings.find(
            (w) =>
              w.startsWith("[ops-executor] This executor's worker has 0 s of its 1 s wall clock left") &&
              w.endsWith('the run stays queued for the next invocation'),
          ),
        'the worker to refuse the run',
      )
      expect(await runOf(owner, runId)).toMatchObject({ status: 'queued', attempt: 0 })
    } finally {
      delete process.env.OPS_EXECUTOR_WALL_CLOCK_SECONDS
      warn.mockRestore()
    }
    // Without the setting the local stack has no worker wall clock: the drain runs it.
    await waitFor(async () => ((await runOf(owner, runId)).status === 'success' ? true : undefined), 'the drain to finish the run')
  })
})

describe('github_dispatch against a stand-in GitHub', () => {
  let stack: TestStack
  let github: RemoteService
  beforeAll(async () => {
    stack = await startTestStack('pglite')
    github = await startRemote()
    stack.allowEgress(github.url)
  })
  afterAll(async () => {
    await github?.close()
    await stack?.stop()
  })

  it('sends the workflow_dispatch call with the token and links the workflow runs', async () => {
    github.on('/repos/acme/api/actions/workflows/deploy.yml/dispatches', reply(204))
    const { client: owner } = await stack.anonymousUser()
    await bindSecret(stack, 'GITHUB_TOKEN', await personalWorkspace(owner), [new URL(github.url).hostname])
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging', service: 'api', ref: 'v9' } })
    const token = 'ghp_canaryTOKEN0123456789'
    const report = await runExecutor(stack, runId, {
      GITHUB_TOKEN: token,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.example',
    })
    expect(report.runs[0].outcome).toBe('success')
    const [call] = github.requests
    expect(call.method).toBe('POST')
    expect(call.headers.authorization).toBe(`Bearer ${token}`)
    expect(call.headers['x-github-api-version']).toBe('2022-11-28')
    expect(JSON.parse(call.body)).toEqual({ ref: 'main', inputs: { environment: 'staging', ref: 'v9', action: 'deploy' } })
    expect(await artifactsOf(owner, runId)).toEqual([
      expect.objectContaining({
        kind: 'link',
        title: 'acme/api deploy.yml runs',
        url: 'https://github.example/acme/api/actions/workflows/deploy.yml',
      }),
    ])
    const stored = JSON.stringify([await runOf(owner, runId), await eventsOf(owner, runId)])
    expect(stored).not.toContain(token)
    expect(stored).toContain('Dispatched deploy.yml in acme/api on main')
  })

  it('fails the step with GitHub’s own message when the token is refused', async () => {
    github.on('/repos/acme/web/actions/workflows/deploy.yml/dispatches', reply(401, '{"message":"Bad credentials"}'))
    const { client: owner } = await stack.anonymousUser()
    await bindSecret(stack, 'GITHUB_TOKEN', await personalWorkspace(owner), [new URL(github.url).hostname])
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging' } })
    await runExecutor(stack, runId, { GITHUB_TOKEN: 'bad', GITHUB_API_URL: github.url })
    expect((await runOf(owner, runId)).error).toBe(
      'step dispatch failed: GitHub answered 401 to the dispatch of deploy.yml in acme/web: Bad credentials',
    )
  })

  it('does not send a bound GitHub token to an API host its binding does not name', async () => {
    const { client: owner } = await stack.anonymousUser()
    await bindSecret(stack, 'GITHUB_TOKEN', await personalWorkspace(owner), ['api.github.com'])
    const runId = await createRun(owner, { template: 'deploy-web', inputs: { env: 'staging' } })
    const before = github.requests.length
    await runExecutor(stack, runId, { GITHUB_TOKEN: 'ghp_elsewhere', GITHUB_API_URL: github.url })
    expect((await runOf(owner, runId)).error).toBe(
      'step dispatch failed: secret GITHUB_TOKEN may be sent only to api.github.com, not to 127.0.0.1; nothing was sent',
    )
    expect(github.requests).toHaveLength(before)
  })
})
