/**
 * The executor in a workspace that does not trust its own templates: the pinned revision is
 * checked, a protected environment's gate comes before anything, the platform's keys are never
 * handed out, and a bound secret goes only to its hosts, redirects included. Templates here are
 * saved by admins of their own workspaces, the way an attacker with a workspace of their own would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest'
import type { ServerResponse } from 'node:http'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { bindSecret, createRun, eventsOf, personalWorkspace, runExecutor, runOf } from '../support/executor.ts'

const TOKEN = 'tok-canary-77e1c0ffee'

/** A template with one http step to `url` carrying `header`, and an env input. */
function callTemplate(options: { url: string; header?: string; secrets?: string; phase?: string; retry?: boolean }): string {
  return `version: 1
kind: check
title: Call out
inputs:
  - { key: env, label: Environment, type: choice, options: [staging, production], default: staging }
secrets:
${options.secrets ?? '  - { name: API_TOKEN, required: true }'}
steps:
  - id: call
    title: Call
    phase: ${options.phase ?? 'execute'}
    kind: http
    with: { url: "${options.url}", headers: { authorization: "${options.header ?? 'Bearer ${{ secrets.API_TOKEN }}'}" } }
${options.retry ? '    retry: { max: 2, delay: 1ms }\n' : ''}`
}

async function saveTemplate(admin: OpsClient, workspace: string, slug: string, yaml: string): Promise<void> {
  const { data: current } = await admin.from('run_templates').select('version').eq('workspace_id', workspace).eq('slug', slug).maybeSingle()
  const { error } = await admin.rpc('save_template', {
    p_workspace: workspace,
    p_slug: slug,
    p_template_yaml: yaml,
    p_expected_version: current?.version ?? (null as unknown as number),
    p_title: slug,
  })
  if (error) throw new Error(`saving ${slug}: ${error.message}`)
}

async function join(admin: OpsClient, member: OpsClient, workspace: string, role: string): Promise<void> {
  const { data, error } = await admin.rpc('create_invite', { p_workspace: workspace, p_role: role })
  if (error) throw new Error(`inviting: ${error.message}`)
  const accepted = await member.rpc('accept_invite', { p_code: data[0].code })
  if (accepted.error) throw new Error(`joining: ${accepted.error.message}`)
}

describe.each(engines)('the executor in workspaces on %s', (engine) => {
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  let home: RemoteService
  let elsewhere: RemoteService
  let admin: OpsClient
  let workspace: string

  beforeAll(async () => {
    stack = await startTestStack(engine)
    home = await startRemote('127.0.0.1')
    elsewhere = await startRemote('localhost')
    stack.allowEgress(home.url, elsewhere.url)
    ;({ client: admin } = await stack.anonymousUser())
    workspace = await personalWorkspace(admin)
    await bindSecret(stack, 'API_TOKEN', workspace, ['127.0.0.1'])
  })
  afterAll(async () => {
    await home.close()
    await elsewhere.close()
    await stack.stop()
  })
  beforeEach(() => {
    home.requests.length = 0
    elsewhere.requests.length = 0
  })

  smoke('refuses a template naming SUPABASE_SERVICE_ROLE_KEY, before sending anything, and the key cannot be bound', async () => {
    await saveTemplate(
      admin,
      workspace,
      'grab-key',
      callTemplate({
        url: `${home.url}/collect`,
        header: 'Bearer ${{ secrets.SUPABASE_SERVICE_ROLE_KEY }}',
        secrets: '  - { name: SUPABASE_SERVICE_ROLE_KEY }',
      }),
    )
    const runId = await createRun(admin, { template: 'grab-key' })
    // The function's environment has the key (runExecutor passes it, as the platform does).
    expect((await runExecutor(stack, runId, { API_TOKEN: TOKEN })).runs[0].outcome).toBe('error')
    const run = await runOf(admin, runId)
    expect(run.error).toBe(
      "validation failed: secret SUPABASE_SERVICE_ROLE_KEY is never handed to a step, even when bound: names starting with SUPABASE_, SB_ or OPS_, and DATABASE_URL, belong to the platform (a template names the project's public URL and anon key as ${{ project.url }} and ${{ project.anon_key }})",
    )
    expect(home.requests).toEqual([])
    expect(JSON.stringify(await eventsOf(admin, runId))).not.toContain(stack.serviceRoleKey)
    const { error } = await stack
      .client(stack.serviceRoleKey)
      .rpc('bind_secret', { p_name: 'SUPABASE_SERVICE_ROLE_KEY', p_workspace: workspace, p_hosts: ['127.0.0.1'] })
    expect(error?.code).toBe('23514')
  })

  smoke('fails a step that would send a bound secret to another host, before sending it', async () => {
    elsewhere.on('/steal', reply(200))
    await saveTemplate(admin, workspace, 'send-away', callTemplate({ url: `${elsewhere.url}/steal`, retry: true }))
    const runId = await createRun(admin, { template: 'send-away' })
    await runExecutor(stack, runId, { API_TOKEN: TOKEN })
    expect(await runOf(admin, runId)).toMatchObject({
      status: 'error',
      error: 'step call failed: secret API_TOKEN may be sent only to 127.0.0.1, not to localhost; nothing was sent',
    })
    expect(elsewhere.requests).toEqual([])
  })

  it('sends the project’s public anon key to the project only', async () => {
    elsewhere.on('/collect', reply(200))
    await saveTemplate(
      admin,
      workspace,
      'anon-away',
      callTemplate({
        url: `${elsewhere.url}/collect`,
        header: '${{ project.anon_key }}',
        secrets: '  - { name: API_TOKEN, required: false }',
      }),
    )
    const runId = await createRun(admin, { template: 'anon-away' })
    await runExecutor(stack, runId, {})
    expect((await runOf(admin, runId)).error).toBe(
      'step call failed: secret project.anon_key may be sent only to 127.0.0.1, not to localhost; nothing was sent',
    )
    expect(elsewhere.requests).toEqual([])
  })

  smoke('fails a step whose request is redirected to another host, before following the redirect', async () => {
    home.on('/hop', (_, __, res: ServerResponse) => void res.writeHead(302, { location: `${elsewhere.url}/steal` }).end())
    elsewhere.on('/steal', reply(200))
    await saveTemplate(admin, workspace, 'redirected', callTemplate({ url: `${home.url}/hop`, retry: true }))
    const runId = await createRun(admin, { template: 'redirected' })
    await runExecutor(stack, runId, { API_TOKEN: TOKEN })
    const run = await runOf(admin, runId)
    expect(run.error).toBe(
      `step call failed: GET ${home.url}/hop redirected to ${elsewhere.url}/steal: secret API_TOKEN may be sent only to 127.0.0.1, not to localhost; the redirect was not followed`,
    )
    // Sent once to its own host (a refusal is not retried), never to the other.
    expect(home.count('/hop')).toBe(1)
    expect(elsewhere.requests).toEqual([])
    expect(JSON.stringify([run, await eventsOf(admin, runId)])).not.toContain(TOKEN)
  })

  it('sends a bound secret to its host, and not a secret bound only for another environment', async () => {
    home.on('/ok', reply(200))
    await saveTemplate(admin, workspace, 'call-home', callTemplate({ url: `${home.url}/ok` }))
    const ok = await createRun(admin, { template: 'call-home' })
    expect((await runExecutor(stack, ok, { API_TOKEN: TOKEN })).runs[0].outcome).toBe('success')
    expect(home.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`])

    await bindSecret(stack, 'API_TOKEN', workspace, ['127.0.0.1'], ['production'])
    try {
      const staging = await createRun(admin, { template: 'call-home' })
      await runExecutor(stack, staging, { API_TOKEN: TOKEN })
      expect((await runOf(admin, staging)).error).toMatch(
        /^validation failed: required secret API_TOKEN is bound to this workspace only for production, not staging /,
      )
      expect(home.requests).toHaveLength(1)
    } finally {
      await bindSecret(stack, 'API_TOKEN', workspace, ['127.0.0.1'])
    }
  })

  it('executes the revision the run pinned, and refuses a run whose pin does not check out', async () => {
    home.on('/v1', reply(200))
    home.on('/v2', reply(200))
    await saveTemplate(admin, workspace, 'pinned', callTemplate({ url: `${home.url}/v1` }))
    const pinned = await createRun(admin, { template: 'pinned' })
    await saveTemplate(admin, workspace, 'pinned', callTemplate({ url: `${home.url}/v2` }))
    expect((await runExecutor(stack, pinned, { API_TOKEN: TOKEN })).runs[0].outcome).toBe('success')
    expect(home.requests.map((r) => r.path)).toEqual(['/v1'])

    const tampered = await createRun(admin, { template: 'pinned' })
    await stack.db.query(`update ops.runs set template_hash = repeat('0', 64) where id = $1`, [tampered])
    await runExecutor(stack, tampered, { API_TOKEN: TOKEN })
    expect((await runOf(admin, tampered)).error).toBe(
      "validation failed: template pinned revision 2 is not the text this run was started with: its hash differs from the run's template_hash",
    )

    const { client: outsider } = await stack.anonymousUser()
    const foreign = await createRun(outsider, { template: 'deploy-web' })
    const { rows } = await stack.db.query<{ id: string }>(
      `select id from ops.template_revisions where workspace_id = $1 and slug = 'pinned' order by revision desc limit 1`,
      [workspace],
    )
    await stack.db.query('update ops.runs set template_revision_id = $2 where id = $1', [foreign, rows[0].id])
    await runExecutor(stack, foreign, { API_TOKEN: TOKEN })
    expect((await runOf(outsider, foreign)).error).toBe(
      'validation failed: template pinned revision 2 belongs to another workspace than the run',
    )

    const unpinned = await createRun(admin, { template: 'pinned' })
    await stack.db.query('update ops.runs set template_revision_id = null where id = $1', [unpinned])
    await runExecutor(stack, unpinned, { API_TOKEN: TOKEN })
    expect((await runOf(admin, unpinned)).error).toBe(
      'validation failed: the run pins no template revision: start it again from a saved template',
    )
    expect(home.requests.map((r) => r.path)).toEqual(['/v1'])
  })

  describe('a protected environment', () => {
    let team: string
    let approvers: OpsClient[]

    beforeAll(async () => {
      const { data, error } = await admin.rpc('create_workspace', { p_name: 'Platform team' })
      if (error) throw new Error(error.message)
      team = data.id
      approvers = [(await stack.anonymousUser()).client, (await stack.anonymousUser()).client]
      for (const approver of approvers) await join(admin, approver, team, 'approver')
      const { error: setError } = await admin.rpc('set_environment', {
        p_workspace: team,
        p_name: 'production',
        p_protected: true,
        p_required_approvals: 2,
      })
      if (setError) throw new Error(setError.message)
      await bindSecret(stack, 'API_TOKEN', team, ['127.0.0.1'])
    })

    smoke('parks a run at the gate before preflight; two approvals by other members let it continue', async () => {
      home.on('/pre', reply(200))
      await saveTemplate(admin, team, 'gated', callTemplate({ url: `${home.url}/pre`, phase: 'preflight' }))
      const runId = await createRun(admin, { workspace: team, template: 'gated', inputs: { env: 'production' } })
      expect((await runExecutor(stack, runId, { API_TOKEN: TOKEN })).runs[0].outcome).toBe('waiting_approval')
      const parked = await runOf(admin, runId)
      expect(parked).toMatchObject({ status: 'waiting_approval', current_step: ENVIRONMENT_GATE_STEP, claimed_by: null })
      expect(parked.step_results[ENVIRONMENT_GATE_STEP]).toMatchObject({ status: 'running', required: 2, prevent_self_review: true })
      expect(home.requests).toEqual([])
      const events = await eventsOf(admin, runId)
      expect(events.map((e) => e.message)).toContain(
        'Protected environment production: waiting for 2 approvals from approvers; the starter cannot approve',
      )
      expect(events.some((e) => e.phase === 'preflight')).toBe(false)

      // The starter cannot approve their own run; the first approval is not enough.
      expect((await admin.rpc('decide_approval', { p_run_id: runId, p_approve: true })).error?.code).toBe('42501')
      expect((await approvers[0].rpc('decide_approval', { p_run_id: runId, p_approve: true })).error).toBeNull()
      expect((await runOf(admin, runId)).status).toBe('waiting_approval')
      expect((await runExecutor(stack, runId, { API_TOKEN: TOKEN })).runs[0].outcome).toBe('not_claimable')
      expect((await approvers[1].rpc('decide_approval', { p_run_id: runId, p_approve: true, p_comment: 'go' })).error).toBeNull()

      expect((await runExecutor(stack, runId, { API_TOKEN: TOKEN })).runs[0].outcome).toBe('success')
      expect(home.count('/pre')).toBe(1)
      const done = await runOf(admin, runId)
      expect(done.step_results[ENVIRONMENT_GATE_STEP]).toMatchObject({ status: 'succeeded', decision: 'approved' })
      expect(done.step_results.call.status).toBe('succeeded')
    })

    it('fails a step whose optional secret is not bound, rather than running it dry', async () => {
      home.on('/notify', reply(200))
      await saveTemplate(
        admin,
        team,
        'notify',
        callTemplate({
          url: `${home.url}/notify`,
          header: 'Bearer ${{ secrets.WEBHOOK_TOKEN }}',
          secrets: '  - { name: WEBHOOK_TOKEN, required: false }',
        }),
      )
      const runId = await createRun(admin, { workspace: team, template: 'notify', inputs: { env: 'production' } })
      expect((await runExecutor(stack, runId, { WEBHOOK_TOKEN: 'set-but-unbound' })).runs[0].outcome).toBe('waiting_approval')
      for (const approver of approvers) {
        expect((await approver.rpc('decide_approval', { p_run_id: runId, p_approve: true })).error).toBeNull()
      }
      expect((await runExecutor(stack, runId, { WEBHOOK_TOKEN: 'set-but-unbound' })).runs[0].outcome).toBe('error')
      expect((await runOf(admin, runId)).error).toBe(
        'step call failed: secret WEBHOOK_TOKEN is needed on protected environment production but is not bound to this workspace',
      )
      expect(home.count('/notify')).toBe(0)
      // The same template on an unprotected environment runs the step dry, as before.
      const staging = await createRun(admin, { workspace: team, template: 'notify', inputs: { env: 'staging' } })
      expect((await runExecutor(stack, staging, { WEBHOOK_TOKEN: 'set-but-unbound' })).runs[0].outcome).toBe('success')
      expect((await eventsOf(admin, staging)).map((e) => e.message)).toContainEqual(
        expect.stringMatching(/^DRY RUN \(secret WEBHOOK_TOKEN is not bound to this workspace\): would send GET to /),
      )
    })
  })
})
