/**
 * The ops API through supabase-js against a local stack with the real executor: starting runs
 * (only ever one's own), reading them back, spec doc saves with conflicts, and errors that say
 * what failed.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import WebSocket from 'ws'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { memoryStorage, startTestStack, type TestStack } from '../support/stack.ts'
import { waitFor } from '../support/executor.ts'
import { createOpsApi } from '../../src/client/api.ts'
import { OpsApiError } from '../../src/client/errors.ts'
import { createOpsClient, type OpsClient } from '../../src/client/supabase.ts'
import type { NewRun, OpsApi, SpecDocRow } from '../../src/client/types.ts'

const deployStaging: NewRun = {
  templateSlug: 'deploy-web',
  kind: 'deploy',
  env: 'staging',
  title: 'Deploy web to staging',
  intent: 'deploy web to staging',
  inputs: { env: 'staging', service: 'web', ref: 'main' },
}

describe.each(engines)('ops API on %s', (engine) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  const clients: OpsClient[] = []
  let owner: { client: OpsClient; api: OpsApi; userId: string }
  let stranger: { client: OpsClient; api: OpsApi; userId: string }

  async function user(fetchImpl?: typeof fetch) {
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), {
      realtimeTransport: WebSocket,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    })
    clients.push(client)
    const { data, error } = await client.auth.signInAnonymously()
    if (error) throw error
    return { client, api: createOpsApi(client), userId: data.user!.id }
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

  const finished = (api: OpsApi, runId: string) =>
    waitFor(async () => {
      const run = await api.getRun(runId)
      return run && ['success', 'error', 'canceled', 'waiting_approval'].includes(run.status) ? run : undefined
    }, `run ${runId} to finish`)

  it('lists the seeded templates', async () => {
    const templates = await owner.api.listTemplates()
    expect(templates.map((t) => t.slug).sort()).toEqual(['deploy-web', 'incident-open'])
    expect(templates[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), kind: expect.any(String), template_yaml: expect.stringContaining('version: 1') }),
    )
  })

  smoke('starts a run as the signed-in user, calling onCreated before the executor starts, and it succeeds', async () => {
    const order: string[] = []
    const run = await owner.api.startRun(deployStaging, {
      onCreated: (created) => {
        order.push(`created ${created.status}`)
      },
    })
    order.push('returned')
    expect(order).toEqual(['created queued', 'returned'])
    expect(run).toMatchObject({
      status: 'queued',
      created_by: owner.userId,
      template_slug: 'deploy-web',
      env: 'staging',
      dry_run: false,
      intent: 'deploy web to staging',
    })
    const done = await finished(owner.api, run.id)
    expect(done.status).toBe('success')

    const events = await owner.api.fetchEvents(run.id, { after: 0 })
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: done.last_seq }, (_, i) => i + 1))
    const tail = await owner.api.fetchEvents(run.id, { limit: 3 })
    expect(tail.map((e) => e.seq)).toEqual([done.last_seq, done.last_seq - 1, done.last_seq - 2])
    const older = await owner.api.fetchEvents(run.id, { before: 4, limit: 10 })
    expect(older.map((e) => e.seq)).toEqual([3, 2, 1])
    const between = await owner.api.fetchEvents(run.id, { after: 2, before: 6 })
    expect(between.map((e) => e.seq)).toEqual([3, 4, 5])

    const listed = await owner.api.listRuns({ status: ['success'], env: 'staging', templateSlug: 'deploy-web', limit: 5 })
    expect(listed.map((r) => r.id)).toContain(run.id)
    expect(await owner.api.listRuns({ env: 'production' })).toEqual([])
    expect(await owner.api.listArtifacts(run.id)).toEqual(expect.any(Array))
  })

  smoke('never starts a run for someone else', async () => {
    const mine = await owner.api.startRun({ ...deployStaging, title: 'Owner’s run' })
    // The API has no way to name another owner; a forged field is not sent.
    const forged = await stranger.api.startRun({ ...deployStaging, created_by: owner.userId } as NewRun)
    expect(forged.created_by).toBe(stranger.userId)
    // supabase-js itself cannot insert for another user either: row-level security refuses.
    const direct = await stranger.client
      .from('runs')
      .insert({ ...toRow(deployStaging), created_by: owner.userId })
      .select()
      .single()
    expect(direct.error?.message).toMatch(/row-level security/)
    // The stranger cannot see, cancel or execute the owner's run.
    expect(await stranger.api.getRun(mine.id)).toBeNull()
    const cancel = await stranger.api.cancelRun(mine.id).catch((e: unknown) => e)
    expect(cancel).toBeInstanceOf(OpsApiError)
    expect(cancel).toMatchObject({
      code: '42501',
      status: 403,
      message: `Could not cancel run ${mine.id}: only the creator of run ${mine.id} can do this`,
    })
    const invoke = await stranger.client.functions.invoke('ops-executor', { body: { run_id: mine.id } })
    expect((invoke.error as { context: Response }).context.status).toBe(404)
    await finished(owner.api, mine.id)
    await finished(stranger.api, forged.id)
  })

  it('keeps the created run on the error when the executor cannot be started', async () => {
    const offline = await user((input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      return url.includes('/functions/v1/') ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)
    })
    const error = (await offline.api.startRun({ ...deployStaging, title: 'Offline start' }).catch((e: unknown) => e)) as OpsApiError
    expect(error).toBeInstanceOf(OpsApiError)
    expect(error.message).toBe(
      'Run "Offline start" was created but its executor could not be started (it stays queued and the scheduled drain will pick it up): the ops-executor function could not be reached (fetch failed)',
    )
    expect(error.run).toMatchObject({ title: 'Offline start', status: 'queued', created_by: offline.userId })
  })

  it('reruns a run with the same template, environment and inputs; cancels and decides approvals', async () => {
    const first = await owner.api.startRun({ ...deployStaging, title: 'To rerun', dryRun: true })
    const again = await owner.api.rerun(first)
    expect(again).toMatchObject({ title: 'To rerun', template_slug: 'deploy-web', env: 'staging', inputs: first.inputs, dry_run: true })
    expect(again.id).not.toBe(first.id)

    const production = await owner.api.startRun({ ...deployStaging, env: 'production', title: 'Prod', inputs: { env: 'production' } })
    const parked = await finished(owner.api, production.id)
    expect(parked.status).toBe('waiting_approval')
    const approved = await owner.api.decideApproval(production.id, true, 'ship it')
    expect(approved.status).toBe('queued')
    const notWaiting = await owner.api.decideApproval(production.id, false).catch((e: unknown) => e)
    expect(notWaiting).toMatchObject({
      code: 'PT409',
      message: `Could not reject run ${production.id}: run ${production.id} is queued, not waiting for approval`,
    })
    const canceled = await owner.api.cancelRun(production.id)
    expect(canceled).toMatchObject({ id: production.id, status: 'canceled' })
    await expect(owner.api.rerun({ ...first, template_slug: null })).rejects.toThrow(
      'Cannot run "To rerun" again: its template was deleted',
    )
    await finished(owner.api, first.id)
    await finished(owner.api, again.id)
  })

  it('saves a spec doc, and returns both texts when someone saved it meanwhile', async () => {
    const docs = await owner.api.listSpecDocs()
    expect(docs.map((d) => d.slug)).toContain('continue-orchestrator/prd')
    const loadedByOwner = docs.find((d) => d.slug === 'continue-orchestrator/prd')!
    const loadedByStranger = (await stranger.api.listSpecDocs()).find((d) => d.slug === 'continue-orchestrator/prd')!

    const saved = (await owner.api.saveSpecDoc(loadedByOwner, `${loadedByOwner.content}\nOwner's line\n`)) as SpecDocRow
    expect(saved).toMatchObject({ slug: 'continue-orchestrator/prd', version: loadedByOwner.version + 1, updated_by: owner.userId })

    const conflict = await stranger.api.saveSpecDoc(loadedByStranger, 'Stranger’s rewrite')
    expect(conflict).toEqual({
      kind: 'conflict',
      message: `spec doc "continue-orchestrator/prd" was changed by someone else: you edited version ${loadedByStranger.version}, the latest is version ${saved.version}`,
      mine: 'Stranger’s rewrite',
      theirs: expect.objectContaining({ id: saved.id, version: saved.version, content: saved.content }),
    })
    const revisions = await stranger.api.listRevisions(saved.id)
    expect(revisions[0]).toMatchObject({ doc_id: saved.id, version: loadedByOwner.version, content: loadedByOwner.content })

    const missing = await owner.api
      .saveSpecDoc({ ...loadedByOwner, slug: 'nope/missing', title: 'missing.md' }, 'x')
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({ code: 'PT404', message: 'Could not save missing.md: spec doc "nope/missing" does not exist' })
  })

  it('says what failed when the project cannot be reached', async () => {
    const api = createOpsApi(createOpsClient({ supabaseUrl: 'http://127.0.0.1:9', anonKey: stack.anonKey }, memoryStorage()))
    await expect(api.listRuns()).rejects.toThrow(/^Could not load your runs: .*the Supabase project could not be reached/)
  })
})

function toRow(run: NewRun) {
  return { template_slug: run.templateSlug, kind: run.kind, env: run.env, title: run.title, inputs: run.inputs }
}
