/**
 * The ops API through supabase-js against a local stack with the real executor: the current
 * workspace (the personal one until a switcher exists) and what is listed and started there,
 * pinned template revisions, approvals that need someone else, spec doc saves with conflicts, what
 * a board may show, and errors that say what failed.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import WebSocket from 'ws'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { memoryStorage, startTestStack, type TestStack } from '../support/stack.ts'
import { waitFor } from '../support/executor.ts'
import { createTeamWorkspace, fixedWorkspace, joinWorkspace } from '../support/team-workspace.ts'
import { createOpsApi } from '../../src/client/api.ts'
import { OpsApiError } from '../../src/client/errors.ts'
import { createOpsClient, type OpsClient } from '../../src/client/supabase.ts'
import type { NewRun, OpsApi, RunRow, SpecDocRow, TemplateRow } from '../../src/client/types.ts'

/**
 * A deploy that runs on the local stack with no secrets: a short wait, and the owner's approval
 * in production as deploy-web has it. Each workspace's admin saves it there (templates are governed).
 */
const SHIP_TEMPLATE = `version: 1
kind: deploy
title: Ship web
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
steps:
  - id: roll-out
    title: Roll out
    kind: wait
    with: { duration: 200ms }
policy:
  approval:
    when: "env == 'production'"
`

/** A template with a required secret-typed input: a run gets past validation only if the executor has its value. */
const KEYED_TEMPLATE = `version: 1
kind: check
title: Keyed check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: api_key, label: API key, type: secret, required: true }
steps:
  - { id: settle, title: Settle, kind: wait, with: { duration: 10ms } }
`

/** A staging deploy of the template whose row `template` the card was made from. */
function deployStaging(template: TemplateRow): NewRun {
  return {
    templateSlug: template.slug,
    templateRevisionId: template.revision_id,
    kind: 'deploy',
    env: 'staging',
    title: 'Deploy web to staging',
    intent: 'deploy web to staging',
    inputs: { env: 'staging' },
  }
}

interface Person {
  client: OpsClient
  api: OpsApi
  userId: string
  /** The ship template as this person's current workspace lists it. */
  deployWeb: TemplateRow
}

/** Saves the ship template in a workspace as its admin. */
async function saveShipTemplate(admin: OpsClient, workspaceId: string): Promise<void> {
  const { error } = await admin.rpc('save_template', {
    p_workspace: workspaceId,
    p_slug: 'ship',
    p_template_yaml: SHIP_TEMPLATE,
    // Null creates it; the generated argument types cannot say that an int argument may be null.
    p_expected_version: null as unknown as number,
    p_title: 'Ship web',
    p_kind: 'deploy',
  })
  if (error) throw new Error(`saving the ship template: ${error.message}`)
}

describe.each(engines)('ops API on %s', (engine) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  const clients: OpsClient[] = []
  let owner: Person
  let stranger: Person

  async function user(options: { fetch?: typeof fetch } = {}): Promise<Person> {
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), {
      realtimeTransport: WebSocket,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })
    clients.push(client)
    const { data, error } = await client.auth.signInAnonymously()
    if (error) throw error
    const api = createOpsApi(client)
    await saveShipTemplate(client, await api.currentWorkspaceId())
    const templates = await api.listTemplates()
    return { client, api, userId: data.user!.id, deployWeb: templates.find((t) => t.slug === 'ship')! }
  }

  /** The same person with an API whose current workspace is `workspaceId` (as a switcher would make it). */
  async function inWorkspace(person: Person, workspaceId: string): Promise<Person> {
    const api = createOpsApi(person.client, fixedWorkspace(workspaceId))
    const templates = await api.listTemplates()
    return { ...person, api, deployWeb: templates.find((t) => t.slug === 'ship')! }
  }

  beforeAll(async () => {
    delete process.env.GITHUB_TOKEN
    delete process.env.SLACK_WEBHOOK_URL
    stack = await startTestStack(engine)
    owner = await user()
    stranger = await user()
  })
  afterAll(async () => {
    for (const client of clients) {
      await client.auth.stopAutoRefresh()
      await client.removeAllChannels()
    }
    await stack.stop()
  })

  const settled = (api: OpsApi, runId: string, statuses = ['success', 'error', 'canceled', 'waiting_approval']) =>
    waitFor(
      async () => {
        const run = await api.getRun(runId)
        return run && statuses.includes(run.status) ? run : undefined
      },
      `run ${runId} to reach ${statuses.join(' or ')}`,
    )

  smoke('sends secret-typed inputs apart: the run uses them, a member of the workspace never reads them', async () => {
    const team = await createTeamWorkspace(owner.client, 'Secret inputs')
    await joinWorkspace(owner.client, stranger.client, team, 'viewer')
    const saved = await owner.client.rpc('save_template', {
      p_workspace: team,
      p_slug: 'keyed',
      p_template_yaml: KEYED_TEMPLATE,
      p_expected_version: null as unknown as number,
      p_title: 'Keyed check',
      p_kind: 'check',
    })
    expect(saved.error).toBeNull()
    const starter = await inWorkspace(owner, team)
    const keyed = (await starter.api.listTemplates()).find((t) => t.slug === 'keyed')!
    const value = 'sk-client-secret-input-51c2'
    const run = await starter.api.startRun({
      templateSlug: 'keyed',
      templateRevisionId: keyed.revision_id,
      kind: 'check',
      env: 'staging',
      title: 'Keyed check in staging',
      inputs: { env: 'staging' },
      secretInputs: { api_key: value },
    })
    expect(JSON.stringify(run)).not.toContain(value)
    expect(run.secret_inputs).toBeNull()
    const done = await settled(starter.api, run.id)
    expect(done).toMatchObject({ status: 'success', inputs: { env: 'staging' }, secret_inputs: null })
    const member = await inWorkspace(stranger, team)
    const seen = await member.api.getRun(run.id)
    expect(seen?.status).toBe('success')
    expect(JSON.stringify([seen, await member.api.fetchEvents(run.id, { after: 0 })])).not.toContain(value)
  })

  it('works in the signed-in person’s personal workspace and lists its templates', async () => {
    const personal = await owner.client.rpc('ensure_personal_workspace')
    expect(await owner.api.currentWorkspaceId()).toBe(personal.data)
    expect(await stranger.api.currentWorkspaceId()).not.toBe(personal.data)
    const templates = await owner.api.listTemplates()
    // The starter kit's templates, and the one this suite saved.
    expect(templates.map((t) => t.slug).sort()).toEqual(['deploy-web', 'incident-open', 'ship'])
    for (const template of templates) {
      expect(template).toEqual(
        expect.objectContaining({
          workspace_id: personal.data,
          revision_id: expect.any(String),
          kind: expect.any(String),
          template_yaml: expect.stringContaining('version: 1'),
        }),
      )
    }
    // Each workspace has its own copy: the stranger's is another row.
    expect(stranger.deployWeb.id).not.toBe(owner.deployWeb.id)
  })

  it('asks for the personal workspace again for whoever signs in next on the same client', async () => {
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
    clients.push(client)
    const api = createOpsApi(client)
    await client.auth.signInAnonymously()
    const first = await api.currentWorkspaceId()
    await client.auth.signOut()
    await client.auth.signInAnonymously()
    const second = await api.currentWorkspaceId()
    expect(second).not.toBe(first)
    expect((await api.listTemplates()).every((t) => t.workspace_id === second)).toBe(true)
  })

  smoke('starts a run in the current workspace on the revision the card showed, calling onCreated before the executor starts', async () => {
    const order: string[] = []
    const run = await owner.api.startRun(deployStaging(owner.deployWeb), {
      onCreated: (created) => {
        order.push(`created ${created.status}`)
      },
    })
    order.push('returned')
    expect(order).toEqual(['created queued', 'returned'])
    expect(run).toMatchObject({
      status: 'queued',
      created_by: owner.userId,
      workspace_id: owner.deployWeb.workspace_id,
      template_slug: 'ship',
      template_revision_id: owner.deployWeb.revision_id,
      template_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      env: 'staging',
      dry_run: false,
      intent: 'deploy web to staging',
    })
    const done = await settled(owner.api, run.id)
    expect(done.status).toBe('success')

    const events = await owner.api.fetchEvents(run.id, { after: 0 })
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: done.last_seq }, (_, i) => i + 1))
    const tail = await owner.api.fetchEvents(run.id, { limit: 3 })
    expect(tail.map((e) => e.seq)).toEqual([done.last_seq, done.last_seq - 1, done.last_seq - 2])
    const older = await owner.api.fetchEvents(run.id, { before: 4, limit: 10 })
    expect(older.map((e) => e.seq)).toEqual([3, 2, 1])
    const between = await owner.api.fetchEvents(run.id, { after: 2, before: 6 })
    expect(between.map((e) => e.seq)).toEqual([3, 4, 5])

    const listed = await owner.api.listRuns({ status: ['success'], env: 'staging', templateSlug: 'ship', limit: 5 })
    expect(listed.map((r) => r.id)).toContain(run.id)
    expect(await owner.api.listRuns({ env: 'production' })).toEqual([])
    expect(await owner.api.listArtifacts(run.id)).toEqual(expect.any(Array))
  })

  smoke('never starts a run for someone else, nor in someone else’s workspace, nor on another workspace’s revision', async () => {
    const mine = await owner.api.startRun({ ...deployStaging(owner.deployWeb), title: 'Owner’s run' })
    // The API has no way to name another starter; a forged field is not sent.
    const forged = await stranger.api.startRun({ ...deployStaging(stranger.deployWeb), created_by: owner.userId } as NewRun)
    expect(forged.created_by).toBe(stranger.userId)
    // supabase-js itself cannot insert for another user either: row-level security refuses.
    const direct = await stranger.client
      .from('runs')
      .insert({ ...toRow(deployStaging(stranger.deployWeb)), created_by: owner.userId })
      .select()
      .single()
    expect(direct.error?.message).toMatch(/row-level security/)
    // Nor into the owner's workspace, nor pinned to the owner's revision.
    const intoTheirs = await stranger.api
      .startRun({ ...deployStaging(owner.deployWeb), workspaceId: owner.deployWeb.workspace_id })
      .catch((e: unknown) => e)
    expect(intoTheirs).toBeInstanceOf(OpsApiError)
    const theirRevision = await stranger.api.startRun(deployStaging(owner.deployWeb)).catch((e: unknown) => e)
    expect(theirRevision).toBeInstanceOf(OpsApiError)
    expect((theirRevision as OpsApiError).message).toMatch(/^Could not start "Deploy web to staging": /)
    // The stranger cannot see, cancel or execute the owner's run.
    expect(await stranger.api.getRun(mine.id)).toBeNull()
    expect(await stranger.api.listRuns()).not.toContainEqual(expect.objectContaining({ id: mine.id }))
    const cancel = await stranger.api.cancelRun(mine.id).catch((e: unknown) => e)
    expect(cancel).toBeInstanceOf(OpsApiError)
    expect(cancel).toMatchObject({ code: 'PT404', message: `Could not cancel run ${mine.id}: run ${mine.id} does not exist` })
    const invoke = await stranger.client.functions.invoke('ops-executor', { body: { run_id: mine.id } })
    expect((invoke.error as { context: Response }).context.status).toBe(404)
    await settled(owner.api, mine.id)
    await settled(stranger.api, forged.id)
  })

  it('keeps the created run on the error when the executor cannot be started', async () => {
    const offline = await user({
      fetch: (input, init) => {
        const url = String(input instanceof Request ? input.url : input)
        return url.includes('/functions/v1/') ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)
      },
    })
    const error = (await offline.api
      .startRun({ ...deployStaging(offline.deployWeb), title: 'Offline start' })
      .catch((e: unknown) => e)) as OpsApiError
    expect(error).toBeInstanceOf(OpsApiError)
    expect(error.message).toBe(
      'Run "Offline start" was created but its executor could not be started (it stays queued and the scheduled drain will pick it up): the ops-executor function could not be reached (fetch failed)',
    )
    expect(error.run).toMatchObject({ title: 'Offline start', status: 'queued', created_by: offline.userId })
  })

  it('re-runs on the template’s current revision, in the run’s workspace; cancels', async () => {
    const first = await owner.api.startRun({ ...deployStaging(owner.deployWeb), title: 'To rerun', dryRun: true })
    await settled(owner.api, first.id)
    // The owner (admin of their personal workspace) saves a new revision meanwhile.
    const saved = await owner.client.rpc('save_template', {
      p_workspace: owner.deployWeb.workspace_id,
      p_slug: 'ship',
      p_template_yaml: `${owner.deployWeb.template_yaml}
# revised
`,
      p_expected_version: owner.deployWeb.version,
      p_title: owner.deployWeb.title,
    })
    expect(saved.error).toBeNull()
    const again = await owner.api.rerun(first)
    expect(again).toMatchObject({
      title: 'To rerun',
      template_slug: 'ship',
      workspace_id: first.workspace_id,
      env: 'staging',
      inputs: first.inputs,
      dry_run: true,
      template_revision_id: saved.data!.revision_id,
    })
    expect(again.template_revision_id).not.toBe(first.template_revision_id)
    expect(again.id).not.toBe(first.id)
    await settled(owner.api, again.id)

    const queued = await owner.api.startRun({ ...deployStaging(owner.deployWeb), title: 'To cancel' }, { onCreated: () => undefined })
    const canceled = await owner.api.cancelRun(queued.id)
    expect(canceled.id).toBe(queued.id)
    await expect(owner.api.rerun({ ...first, template_slug: null })).rejects.toThrow(
      'Cannot run "To rerun" again: its template was deleted',
    )
    await expect(owner.api.rerun({ ...first, template_slug: 'never-was' })).rejects.toThrow(
      'Cannot run "To rerun" again: its template was deleted',
    )
  })

  it('approves in a personal workspace, where its owner may approve their own run, and goes on at once', async () => {
    const production = await owner.api.startRun({
      ...deployStaging(owner.deployWeb),
      env: 'production',
      title: 'Prod',
      inputs: { env: 'production' },
    })
    const parked = await settled(owner.api, production.id)
    expect(parked.status).toBe('waiting_approval')
    expect(parked.step_results[parked.current_step!]).toMatchObject({ required: 1, prevent_self_review: false, approvals: [] })
    const approved = await owner.api.decideApproval(production.id, true, 'ship it')
    expect(approved.status).toBe('queued')
    // decideApproval invoked the executor: the run goes on without waiting for a drain.
    expect((await settled(owner.api, production.id, ['success', 'error'])).status).toBe('success')
    const notWaiting = await owner.api.decideApproval(production.id, false).catch((e: unknown) => e)
    expect(notWaiting).toMatchObject({
      code: 'PT409',
      message: `Could not reject run ${production.id}: run ${production.id} is success, not waiting for approval`,
    })
  })

  smoke('a protected environment of a team needs someone other than the starter, with the approver role', async () => {
    const team = await createTeamWorkspace(owner.client, 'Ops team')
    await saveShipTemplate(owner.client, team)
    await joinWorkspace(owner.client, stranger.client, team, 'approver')
    const onlooker = await user()
    await joinWorkspace(owner.client, onlooker.client, team, 'viewer')
    const starter = await inWorkspace(owner, team)
    const approver = await inWorkspace(stranger, team)
    const viewer = await inWorkspace(onlooker, team)
    expect(starter.deployWeb.workspace_id).toBe(team)

    const run = await starter.api.startRun({
      ...deployStaging(starter.deployWeb),
      env: 'production',
      title: 'Team prod',
      inputs: { env: 'production' },
    })
    expect(run.workspace_id).toBe(team)
    const gate = await settled(starter.api, run.id)
    expect(gate).toMatchObject({ status: 'waiting_approval', current_step: 'environment-approval' })
    expect(gate.step_results['environment-approval']).toMatchObject({
      required: 1,
      approver_role: 'approver',
      prevent_self_review: true,
      approvals: [],
    })
    expect((await approver.api.listRuns()).map((r) => r.id)).toContain(run.id)

    // Refusals read as sentences: the starter under self-review, and a viewer.
    const self = await starter.api.decideApproval(run.id, true).catch((e: unknown) => e)
    expect(self).toMatchObject({
      code: '42501',
      status: 403,
      message:
        'You may not approve this run: you started this run, and production requires someone else to review it (Ask another approver of the workspace to decide.)',
    })
    const looker = await viewer.api.decideApproval(run.id, true).catch((e: unknown) => e)
    expect(looker).toMatchObject({
      code: '42501',
      message: 'You may not approve this run: deciding this approval needs the approver role (or higher) in this workspace; you are viewer',
    })

    const decided = await approver.api.decideApproval(run.id, true, 'looks fine')
    expect(decided.status).toBe('queued')
    // The template's own approval step comes next; on a protected environment it too wants someone else.
    const step = await waitFor(async () => {
      const current = await starter.api.getRun(run.id)
      return current?.status === 'waiting_approval' && current.current_step !== 'environment-approval' ? current : undefined
    }, 'the template’s approval step')
    expect(step.step_results[step.current_step!]).toMatchObject({ required: 1, prevent_self_review: true })
    expect((await approver.api.decideApproval(run.id, true)).status).toBe('queued')
    expect((await settled(starter.api, run.id, ['success', 'error'])).status).toBe('success')
    // The personal workspace's list does not show the team's run.
    expect((await owner.api.listRuns()).map((r) => r.id)).not.toContain(run.id)
  })

  it('tells a board what it may show: the workspace’s setting and the starter’s display name', async () => {
    const run = await owner.api.startRun({ ...deployStaging(owner.deployWeb), title: 'For the board', dryRun: true })
    const facts = await owner.api.boardFacts(run)
    expect(facts).toEqual({ workspaceId: run.workspace_id, boardDetails: false, startedBy: expect.stringMatching(/^Guest [0-9a-f]{4}$/) })
    const shown = await owner.client.rpc('set_board_details', { p_workspace: run.workspace_id, p_enabled: true })
    expect(shown.error).toBeNull()
    expect((await owner.api.boardFacts(run)).boardDetails).toBe(true)
    // Someone outside the workspace learns nothing: no details, no name.
    expect(await stranger.api.boardFacts(run)).toEqual({ workspaceId: run.workspace_id, boardDetails: false, startedBy: null })
    await settled(owner.api, run.id)
  })

  it('saves a spec doc of the current workspace, and returns the base and both texts when someone saved it meanwhile', async () => {
    const docs = await owner.api.listSpecDocs()
    expect(docs.map((d) => d.slug)).toContain('continue-orchestrator/prd')
    expect(docs.every((d) => d.workspace_id === owner.deployWeb.workspace_id)).toBe(true)
    const loadedByOwner = docs.find((d) => d.slug === 'continue-orchestrator/prd')!
    // The stranger's personal workspace has its own copy, which the owner's save leaves alone.
    const strangersCopy = (await stranger.api.listSpecDocs()).find((d) => d.slug === 'continue-orchestrator/prd')!
    expect(strangersCopy.id).not.toBe(loadedByOwner.id)

    const saved = (await owner.api.saveSpecDoc(loadedByOwner, `${loadedByOwner.content}\nOwner's line\n`)) as SpecDocRow
    expect(saved).toMatchObject({ slug: 'continue-orchestrator/prd', version: loadedByOwner.version + 1, updated_by: owner.userId })
    expect((await stranger.api.listSpecDocs()).find((d) => d.id === strangersCopy.id)).toMatchObject({ version: strangersCopy.version })

    // The same document, loaded before that save (another window of the owner's), is stale now.
    const conflict = await owner.api.saveSpecDoc(loadedByOwner, 'A rewrite from an older copy')
    expect(conflict).toEqual({
      kind: 'conflict',
      message: `spec doc "continue-orchestrator/prd" was changed by someone else: you edited version ${loadedByOwner.version}, the latest is version ${saved.version}`,
      base: loadedByOwner.content,
      mine: 'A rewrite from an older copy',
      theirs: expect.objectContaining({ id: saved.id, version: saved.version, content: saved.content }),
    })
    const revisions = await owner.api.listRevisions(saved.id)
    expect(revisions[0]).toMatchObject({ doc_id: saved.id, version: loadedByOwner.version, content: loadedByOwner.content })

    const missing = await owner.api
      .saveSpecDoc({ ...loadedByOwner, slug: 'nope/missing', title: 'missing.md' }, 'x')
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({
      code: 'PT404',
      message: 'Could not save missing.md: spec doc "nope/missing" does not exist in this workspace',
    })
    // Someone else's workspace: refused.
    const elsewhere = await stranger.api.saveSpecDoc(loadedByOwner, 'x').catch((e: unknown) => e)
    expect(elsewhere).toBeInstanceOf(OpsApiError)
  })

  it('says what failed when the project cannot be reached', async () => {
    const api = createOpsApi(createOpsClient({ supabaseUrl: 'http://127.0.0.1:9', anonKey: stack.anonKey }, memoryStorage()))
    await expect(api.listRuns()).rejects.toThrow(/^Could not open your workspace: .*the Supabase project could not be reached/)
  })
})

function toRow(run: NewRun): Partial<RunRow> & Pick<RunRow, 'template_slug' | 'kind' | 'env' | 'title' | 'inputs'> {
  return { template_slug: run.templateSlug, kind: run.kind, env: run.env, title: run.title, inputs: run.inputs }
}
