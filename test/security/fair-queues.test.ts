/**
 * Fair queues: the drain takes turns across workspaces and, within one, across starters; a
 * workspace runs at most `max_running_per_workspace` runs at once; a starter has at most
 * `max_active_per_starter` runs queued or running per workspace, refused at INSERT through REST.
 * Only the service role changes the limits. Claims stay exact with several executors at once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { describePostgres, emptyDatabase, engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { migrate, MIGRATIONS_DIR } from '../../local/db/migrate.ts'
import { as, attempt, serviceClaims } from '../support/actors.ts'
import { createTeamFixture, startRun, type Team } from '../support/teams.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { createRun, personalWorkspace, runExecutor } from '../support/executor.ts'
import { isDue } from '../../local/functions/drain.ts'

interface Claimed {
  id: string
  workspace_id: string
  created_by: string
}

const claim = async (db: TestDatabase['db'], worker = 'w', runId: string | null = null): Promise<Claimed | undefined> =>
  (await as<Claimed>(db, serviceClaims, 'select id, workspace_id, created_by from ops.claim_run($1, $2)', [worker, runId]))[0]

const finish = (db: TestDatabase['db'], run: Claimed, worker = 'w') =>
  as(db, serviceClaims, "select ops.finish_run($1, $2, 'success', 'done')", [run.id, worker])

const runningIn = async (db: TestDatabase['db'], workspace: string) =>
  (await db.query<{ n: number }>("select count(*)::int as n from ops.runs where workspace_id = $1 and status = 'running'", [workspace]))
    .rows[0].n

const startRuns = async (team: Team, workspace: string, starter: string, count: number) => {
  const ids: string[] = []
  for (let i = 0; i < count; i++) ids.push(await startRun(team.db, workspace, starter, { title: `Run ${i + 1}` }))
  return ids
}

describe.each(engines)('fair queues on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  beforeEach(async () => {
    test = await migratedDatabase(engine)
    team = await createTeamFixture(test.db)
  })
  afterEach(() => test.drop())

  it('20 queued runs of one starter do not hold back another starter in the same workspace', async () => {
    await startRuns(team, team.workspace, team.users.operator, 20)
    const [late] = await startRuns(team, team.workspace, team.users.approver, 1)
    const first = await claim(test.db)
    const second = await claim(test.db)
    expect([first?.id, second?.id]).toContain(late)
  })

  it('takes turns between starters: each next claim goes to the starter served least recently', async () => {
    await startRuns(team, team.workspace, team.users.operator, 20)
    await startRuns(team, team.workspace, team.users.approver, 3)
    const starters: string[] = []
    for (let i = 0; i < 8; i++) {
      const run = (await claim(test.db))!
      starters.push(run.created_by === team.users.operator ? 'operator' : 'approver')
      await finish(test.db, run)
    }
    // Turns alternate while both have queued runs; then the one left is served.
    const [a, b] = starters[0] === 'operator' ? ['operator', 'approver'] : ['approver', 'operator']
    expect(starters).toEqual([a, b, a, b, a, b, 'operator', 'operator'])
  })

  it('20 queued runs in one workspace do not hold back a run of another workspace', async () => {
    await startRuns(team, team.workspace, team.users.operator, 20)
    const [other] = await startRuns(team, team.other, team.users.outsider, 1)
    const first = await claim(test.db)
    const second = await claim(test.db)
    expect([first?.id, second?.id]).toContain(other)
  })

  it('runs at most 5 runs of a workspace at once; the 6th stays queued until one finishes', async () => {
    const ids = await startRuns(team, team.workspace, team.users.operator, 6)
    const [elsewhere] = await startRuns(team, team.other, team.users.outsider, 1)
    const claims: Claimed[] = []
    for (let i = 0; i < 6; i++) claims.push((await claim(test.db, `w${i}`))!)
    // The other workspace is not held back by W being full; then nothing is claimable.
    expect(claims.map((run) => run.id)).toContain(elsewhere)
    const claimed = claims.filter((run) => run.workspace_id === team.workspace)
    expect(claimed).toHaveLength(5)
    expect(await claim(test.db)).toBeUndefined()
    // Not even by its id, as the plugin's invoke asks; the executor can say why.
    const sixth = ids.find((id) => !claimed.some((run) => run.id === id))!
    expect(await claim(test.db, 'invoke', sixth)).toBeUndefined()
    const [why] = await as<{ reason: string }>(test.db, serviceClaims, 'select ops.why_not_claimable($1) as reason', [sixth])
    expect(why.reason).toBe(
      'The run stays queued: its workspace already has 5 runs running (the limit is 5); it starts when one of them finishes',
    )
    expect(await isDue(test.db)).toBe(false)
    expect(await runningIn(test.db, team.workspace)).toBe(5)

    await finish(test.db, claimed[0], `w${claims.indexOf(claimed[0])}`)
    expect(await isDue(test.db)).toBe(true)
    expect((await claim(test.db))?.id).toBe(sixth)
    expect(await runningIn(test.db, team.workspace)).toBe(5)
  })

  it('resumes a run whose lease expired even while its workspace is full', async () => {
    await startRuns(team, team.workspace, team.users.operator, 6)
    const claimed: Claimed[] = []
    for (let i = 0; i < 5; i++) claimed.push((await claim(test.db, `w${i}`))!)
    await test.db.query("update ops.runs set lease_expires_at = now() - interval '1 minute' where id = $1", [claimed[2].id])
    expect(await isDue(test.db)).toBe(true)
    expect((await claim(test.db, 'rescuer'))?.id).toBe(claimed[2].id)
    expect(await claim(test.db, 'rescuer')).toBeUndefined()
    expect(await runningIn(test.db, team.workspace)).toBe(5)
  })

  it('gives a run that the deployer moved to another workspace its turn there', async () => {
    const [moved] = await startRuns(team, team.workspace, team.users.operator, 1)
    await test.db.query('update ops.runs set workspace_id = $1 where id = $2', [team.other, moved])
    expect(await isDue(test.db)).toBe(true)
    expect(await claim(test.db)).toMatchObject({ id: moved, workspace_id: team.other })
  })

  it('says why a run cannot be claimed', async () => {
    const [queued] = await startRuns(team, team.workspace, team.users.operator, 1)
    const done = await startRun(test.db, team.workspace, team.users.operator, { status: 'success' })
    const why = async (id: string) =>
      (await as<{ reason: string | null }>(test.db, serviceClaims, 'select ops.why_not_claimable($1) as reason', [id]))[0].reason
    expect(await why(queued)).toBeNull()
    expect(await why(done)).toBe('The run has already finished (success)')
    expect(await why('00000000-0000-4000-8000-000000000000')).toBe('The run does not exist')
    await claim(test.db, 'holder', queued)
    expect(await why(queued)).toMatch(/^The run is being executed by holder \(its lease ends at .+\)$/)
  })

  it('lets the service role change the limits, and no member or admin', async () => {
    await startRuns(team, team.workspace, team.users.operator, 7)
    for (const actor of ['admin', 'operator', 'viewer', 'outsider'] as const) {
      const update = await attempt(test.db, team.claims(actor), 'update ops.deployment_settings set max_running_per_workspace = 100')
      expect(update).toMatchObject({ ok: false, code: '42501' })
      const call = await attempt(test.db, team.claims(actor), 'select ops.set_queue_limits(100, 100)')
      expect(call).toMatchObject({ ok: false, code: '42501' })
    }
    expect(await attempt(test.db, serviceClaims, 'select ops.set_queue_limits(0, null)')).toMatchObject({
      ok: false,
      code: '22023',
      message: 'max_running_per_workspace must be 1 to 1000, got 0',
    })
    const [settings] = await as<{ max_running_per_workspace: number; max_active_per_starter: number }>(
      test.db,
      serviceClaims,
      'select max_running_per_workspace, max_active_per_starter from ops.set_queue_limits(6, null)',
    )
    expect(settings).toEqual({ max_running_per_workspace: 6, max_active_per_starter: 10 })
    for (let i = 0; i < 6; i++) expect(await claim(test.db)).toBeDefined()
    expect(await claim(test.db)).toBeUndefined()
    await as(test.db, serviceClaims, 'update ops.deployment_settings set max_running_per_workspace = 7')
    expect(await claim(test.db)).toBeDefined()
  })

  it('several claimers at once never claim a run twice nor run more than the limit in a workspace', async () => {
    const workspaces = [team.workspace, team.other]
    for (const workspace of workspaces) {
      const starters = workspace === team.workspace ? [team.users.operator, team.users.approver] : [team.users.outsider]
      for (const starter of starters) await startRuns(team, workspace, starter, 12)
    }
    const claimers = Array.from({ length: 6 }, async (_, i) => {
      const mine: string[] = []
      for (let run = await claim(test.db, `c${i}`); run; run = await claim(test.db, `c${i}`)) mine.push(run.id)
      return mine
    })
    const all = (await Promise.all(claimers)).flat()
    expect(new Set(all).size).toBe(all.length)
    expect(all).toHaveLength(10)
    for (const workspace of workspaces) expect(await runningIn(test.db, workspace)).toBe(5)
  })
})

describe.each(engines)('upgrading to fair queues on %s', (engine) => {
  let test: TestDatabase
  beforeAll(async () => {
    test = await emptyDatabase(engine)
    await migrate(test.db, MIGRATIONS_DIR, { through: '20250110000000_teams.sql' })
  })
  afterAll(() => test.drop())

  it('takes turns over the runs that were queued before the upgrade', async () => {
    const team = await createTeamFixture(test.db)
    await startRuns(team, team.workspace, team.users.operator, 20)
    const [late] = await startRuns(team, team.workspace, team.users.approver, 1)
    await migrate(test.db)
    const { rows } = await test.db.query<{ n: number }>('select count(*)::int as n from ops.queue_turns where workspace_id = $1', [
      team.workspace,
    ])
    expect(rows[0].n).toBe(2)
    const first = await claim(test.db)
    const second = await claim(test.db)
    expect([first?.id, second?.id]).toContain(late)
  })
})

describePostgres('fair queue claims racing on real Postgres', () => {
  let test: TestDatabase
  let team: Team
  beforeAll(async () => {
    test = await migratedDatabase('postgres')
    team = await createTeamFixture(test.db)
  })
  afterAll(() => test.drop())

  it('8 workers claiming and finishing at once: every run exactly once, never more than 5 running per workspace', async () => {
    const workspaces = [team.workspace, team.other]
    for (const starter of [team.users.operator, team.users.approver, team.users.admin]) await startRuns(team, team.workspace, starter, 20)
    await startRuns(team, team.other, team.users.outsider, 40)
    let overLimit = 0
    const workers = Array.from({ length: 8 }, async (_, i) => {
      const mine: string[] = []
      let idle = 0
      // A worker that finds nothing claimable tries again a few times: the others free slots.
      while (idle < 20) {
        const run = await claim(test.db, `worker-${i}`)
        if (!run) {
          idle++
          await new Promise((resolve) => setTimeout(resolve, 5))
          continue
        }
        idle = 0
        mine.push(run.id)
        if ((await runningIn(test.db, run.workspace_id)) > 5) overLimit++
        await finish(test.db, run, `worker-${i}`)
      }
      return mine
    })
    const claimed = await Promise.all(workers)
    const all = claimed.flat()
    expect(all).toHaveLength(100)
    expect(new Set(all).size).toBe(100)
    expect(claimed.filter((ids) => ids.length > 0).length).toBeGreaterThan(1)
    expect(overLimit).toBe(0)
    for (const workspace of workspaces) expect(await runningIn(test.db, workspace)).toBe(0)
    const { rows } = await test.db.query<{ status: string; n: number }>('select status, count(*)::int as n from ops.runs group by 1')
    expect(rows).toEqual([{ status: 'success', n: 100 }])
  })
})

describe.each(engines)('fair queue limits through supabase-js on %s', (engine) => {
  let stack: TestStack
  let service: OpsClient
  beforeAll(async () => {
    stack = await startTestStack(engine)
    service = stack.client(stack.serviceRoleKey)
  })
  afterAll(() => stack.stop())

  const setLimits = async (running: number | null, active: number | null) => {
    const { error } = await service.rpc('set_queue_limits', {
      p_max_running_per_workspace: running as number,
      p_max_active_per_starter: active as number,
    })
    if (error) throw new Error(`setting the queue limits: ${error.message}`)
  }

  it('refuses an 11th queued or running run of one starter in a workspace with a clear error', async () => {
    const { client: user } = await stack.anonymousUser()
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push(await createRun(user, { title: `mine ${i}` }))
    const refused = await user.from('runs').insert({ kind: 'deploy', env: 'staging', title: 'one too many' }).select('id').single()
    expect(refused.status).toBe(429)
    expect(refused.error).toMatchObject({
      code: 'PT429',
      message: 'You already have 10 runs queued or running in this workspace (the limit is 10); wait for one to finish or cancel one',
    })

    // Canceling one frees a place.
    const canceled = await user.rpc('request_cancel', { p_run_id: ids[0] })
    expect(canceled.error).toBeNull()
    ids.push(await createRun(user, { title: 'in its place' }))

    // Another user in the same deployment is not affected.
    const { client: other } = await stack.anonymousUser()
    expect(await createRun(other)).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('lets the service role raise the limit, and refuses an admin who tries to raise their own', async () => {
    const { client: user } = await stack.anonymousUser()
    for (let i = 0; i < 10; i++) await createRun(user, { title: `mine ${i}` })
    // The user is the admin of their personal workspace: still not theirs to change.
    const update = await user.from('deployment_settings').update({ max_active_per_starter: 100 }).eq('id', true).select()
    expect(update.error?.code).toBe('42501')
    const call = await user.rpc('set_queue_limits', { p_max_running_per_workspace: 100, p_max_active_per_starter: 100 })
    expect(call.error?.code).toBe('42501')
    await expect(createRun(user)).rejects.toThrow(/the limit is 10/)

    await setLimits(null, 11)
    try {
      expect(await createRun(user)).toMatch(/^[0-9a-f-]{36}$/)
      await expect(createRun(user)).rejects.toThrow('You already have 11 runs queued or running in this workspace (the limit is 11)')
    } finally {
      await setLimits(null, 10)
    }
  })

  it('reports why the executor did not execute a run of a full workspace', async () => {
    const { client: user } = await stack.anonymousUser()
    const workspace = await personalWorkspace(user)
    const ids: string[] = []
    for (let i = 0; i < 6; i++) ids.push(await createRun(user, { workspace, title: `busy ${i}` }))
    for (const id of ids.slice(0, 5)) {
      const { data, error } = await service.rpc('claim_run', { p_worker: 'elsewhere', p_run_id: id, p_lease_seconds: 3600 })
      expect(error).toBeNull()
      expect(data).toHaveLength(1)
    }
    const report = await runExecutor(stack, ids[5])
    expect(report.runs).toEqual([
      {
        id: ids[5],
        outcome: 'not_claimable',
        reason: 'The run stays queued: its workspace already has 5 runs running (the limit is 5); it starts when one of them finishes',
      },
    ])
    const { data: run } = await user.from('runs').select('status').eq('id', ids[5]).single()
    expect(run?.status).toBe('queued')
  })
})
