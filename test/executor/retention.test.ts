/**
 * Event retention: the scheduled drain deletes the events of runs that finished more than the
 * retention age ago (default 30 days), in bounded batches, and marks each such run so the viewer
 * can say its log was removed; the run's summary, step results, artifacts and audit entries stay,
 * as do the logs of recent and unfinished runs. Only the service role may delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { reply, startRemote, type RemoteService } from '../support/remote.ts'
import { addTemplate, createRun, eventsOf, executorOptions, personalWorkspace, runExecutor, runOf } from '../support/executor.ts'
import { anonClaims, attempt, userClaims } from '../support/actors.ts'
import { execute, type InvocationLine } from '../../supabase/functions/_shared/executor/engine.ts'
import { RunStore } from '../../supabase/functions/_shared/executor/store.ts'

const TEMPLATE = `version: 1
kind: check
title: Ping twice
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: base_url, label: Service URL, type: string, required: true }
steps:
  - { id: one, title: One, kind: http, with: { url: "\${{ inputs.base_url }}/ping" } }
  - { id: two, title: Two, kind: http, with: { url: "\${{ inputs.base_url }}/ping" } }
`

describe.each(engines)('event retention on %s', (engine) => {
  let stack: TestStack
  let remote: RemoteService
  let user: OpsClient
  let userId: string
  let workspace: string

  beforeAll(async () => {
    stack = await startTestStack(engine)
    remote = await startRemote()
    stack.allowEgress(remote.url)
    remote.on('/ping', reply(200, '{"ok":true}'))
    ;({ client: user, userId } = await stack.anonymousUser())
    workspace = await personalWorkspace(user)
    await addTemplate(stack, 'ping-twice', TEMPLATE, workspace)
  })
  afterAll(async () => {
    await remote.close()
    await stack.stop()
  })

  async function finishedRun(daysAgo: number): Promise<string> {
    const runId = await createRun(user, { template: 'ping-twice', inputs: { env: 'staging', base_url: remote.url } })
    expect((await runExecutor(stack, runId)).runs[0].outcome).toBe('success')
    // As if it had finished `daysAgo` days ago (the table owner may; users may not touch these columns).
    await stack.test.db.query(`update ops.runs set finished_at = now() - make_interval(days => $2) where id = $1`, [runId, daysAgo])
    return runId
  }

  const auditCount = async () =>
    Number(
      (await stack.test.db.query<{ n: string }>('select count(*) as n from ops.audit_log where workspace_id = $1', [workspace])).rows[0].n,
    )

  it('deletes, drain by drain in bounded batches, only the events of runs that finished longer ago than the retention age', async () => {
    const old = await finishedRun(40)
    const recent = await finishedRun(3)
    // A run still going (claimed, logging, never finished) keeps its log however old it is.
    const going = await createRun(user, { template: 'ping-twice', inputs: { env: 'staging', base_url: remote.url } })
    const store = new RunStore(stack.client(stack.serviceRoleKey), 'retention-test')
    expect(await store.claim(going)).not.toBeNull()
    await store.append(going, [{ message: 'still going' }], crypto.randomUUID())
    await stack.test.db.query(
      `insert into ops.artifacts (run_id, key, kind, title, url) values ($1, 'deploy-link', 'link', 'The deploy', 'https://example.com/d/1')`,
      [old],
    )
    const before = {
      old: await runOf(user, old),
      oldEvents: await eventsOf(user, old),
      recent: await eventsOf(user, recent),
      audit: await auditCount(),
    }
    expect(before.oldEvents.length).toBeGreaterThan(4)

    // An INSERT subscriber on ops.run_events (as older clients were) hears nothing of the deletes.
    const heard: string[] = []
    await new Promise<void>((resolve) => {
      user
        .channel(`retention-${old}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (change) => heard.push(change.eventType))
        .subscribe((status) => status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED && resolve())
    })

    // Batches of 4: the old run's log goes over several drains, each saying whether more is due.
    const lines: InvocationLine[] = []
    const drain = () =>
      execute(executorOptions(stack, {}, { retentionBatch: 4, invocationLog: (line) => lines.push(line) }), { drain: true })
    await drain()
    expect(lines[0].retention).toEqual({ deleted_events: 4, emptied_runs: 0, more: true })
    expect(await eventsOf(user, old)).toHaveLength(before.oldEvents.length - 4)
    for (let i = 0; i < 50 && lines.at(-1)!.retention!.more; i++) await drain()
    expect(lines.at(-1)!.retention!.more).toBe(false)
    expect(lines.reduce((sum, line) => sum + (line.retention?.deleted_events ?? 0), 0)).toBe(before.oldEvents.length)

    const after = await runOf(user, old)
    expect(await eventsOf(user, old)).toEqual([])
    expect(after.events_removed_at).toEqual(expect.any(String))
    // Everything else of the run stays: status, summary, steps, its log's length, its artifacts; the audit trail too.
    expect(after).toMatchObject({
      status: before.old.status,
      summary: before.old.summary,
      step_results: before.old.step_results,
      last_seq: before.old.last_seq,
    })
    const { data: artifacts } = await user.from('artifacts').select('key').eq('run_id', old)
    expect(artifacts).toEqual([{ key: 'deploy-link' }])
    expect(await auditCount()).toBe(before.audit)
    // A recent run's log and an unfinished run's log are whole.
    expect(await eventsOf(user, recent)).toEqual(before.recent)
    expect((await runOf(user, recent)).events_removed_at).toBeNull()
    expect((await eventsOf(user, going)).map((e) => e.message)).toContain('still going')
    expect(heard).toEqual([])
    await user.removeAllChannels()

    // OPS_EVENT_RETENTION_DAYS (here: 2 days) reaches the recent run too; 0 keeps everything.
    const keepAll = await finishedRun(400)
    await execute(executorOptions(stack, {}, { eventRetentionDays: 0 }), { drain: true })
    expect((await eventsOf(user, keepAll)).length).toBeGreaterThan(0)
    await execute(executorOptions(stack, {}, { eventRetentionDays: 2 }), { drain: true })
    expect(await eventsOf(user, recent)).toEqual([])
    expect(await eventsOf(user, keepAll)).toEqual([])
  })

  it('refuses ops.delete_old_run_events to everyone but the service role, in SQL and over REST', async () => {
    const kept = await finishedRun(90)
    const count = (await eventsOf(user, kept)).length
    for (const claims of [anonClaims, userClaims(userId)]) {
      const result = await attempt(stack.test.db, claims, "select * from ops.delete_old_run_events(interval '1 day', 100)")
      expect(result.ok ? 'allowed' : result.code).toBe('42501')
    }
    const asUser = await user.rpc('delete_old_run_events', { p_older_than: '1 day', p_limit: 100 })
    expect(asUser.error?.code).toBe('42501')
    const asAnon = await stack.client().rpc('delete_old_run_events', { p_older_than: '1 day', p_limit: 100 })
    expect(asAnon.error?.code).toBe('42501')
    // Nobody may delete events directly either.
    await user.from('run_events').delete().eq('run_id', kept)
    expect(await eventsOf(user, kept)).toHaveLength(count)
    // Nonsense limits are refused with a reason, even for the service role.
    const service = stack.client(stack.serviceRoleKey)
    const tooShort = await service.rpc('delete_old_run_events', { p_older_than: '1 minute', p_limit: 100 })
    expect(tooShort.error?.message).toMatch(/kept at least an hour/)
    const tooMany = await service.rpc('delete_old_run_events', { p_older_than: '1 day', p_limit: 1_000_000 })
    expect(tooMany.error?.message).toMatch(/1 to 50000 events/)
    expect(await eventsOf(user, kept)).toHaveLength(count)
    const allowed = await service.rpc('delete_old_run_events', { p_older_than: '30 days', p_limit: 50000 })
    expect(allowed.error).toBeNull()
    expect(await eventsOf(user, kept)).toEqual([])
  })
})
