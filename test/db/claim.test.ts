import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { describePostgres, engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { as, attempt, createUser, serviceClaims } from '../support/actors.ts'
import { getRun, insertQueuedRuns, insertRun, type RunRow } from '../support/runs.ts'

const claim = (test: TestDatabase, worker: string, runId: string | null = null, lease = 30) =>
  as<RunRow>(test.db, serviceClaims, 'select * from ops.claim_run($1, $2, $3)', [worker, runId, lease])

describe.each(engines)('claiming runs on %s', (engine) => {
  let test: TestDatabase
  let owner: string
  beforeEach(async () => {
    test = await migratedDatabase(engine)
    owner = await createUser(test.db, 'owner@example.com')
  })
  afterEach(() => test.drop())

  it('claims a given run, setting lease, worker, attempt and start time', async () => {
    const older = await insertRun(test.db, owner, { created_at: '2025-01-01T00:00:00Z' })
    const wanted = await insertRun(test.db, owner)
    const [claimed] = await claim(test, 'worker-1', wanted)
    expect(claimed).toMatchObject({ id: wanted, status: 'running', claimed_by: 'worker-1', attempt: 1 })
    expect(claimed.lease_expires_at!.getTime()).toBeGreaterThan(Date.now() + 20_000)
    expect((await getRun(test.db, older)).status).toBe('queued')
  })

  it('claims the oldest queued run when none is given, then nothing when the queue is empty', async () => {
    const newer = await insertRun(test.db, owner, { created_at: '2025-01-02T00:00:00Z' })
    const oldest = await insertRun(test.db, owner, { created_at: '2025-01-01T00:00:00Z' })
    expect((await claim(test, 'w'))[0].id).toBe(oldest)
    expect((await claim(test, 'w'))[0].id).toBe(newer)
    expect(await claim(test, 'w')).toEqual([])
  })

  it('reclaims a run whose lease expired, and leaves a live lease alone', async () => {
    const expired = await insertRun(test.db, owner, { status: 'running', claimed_by: 'dead', lease_expires_at: '2000-01-01T00:00:00Z' })
    const live = await insertRun(test.db, owner, { status: 'running', claimed_by: 'alive', lease_expires_at: '2999-01-01T00:00:00Z' })
    expect(await claim(test, 'w', live)).toEqual([])
    const [reclaimed] = await claim(test, 'rescuer')
    expect(reclaimed).toMatchObject({ id: expired, claimed_by: 'rescuer', attempt: 1 })
    expect(await claim(test, 'w')).toEqual([])
    expect((await getRun(test.db, live)).claimed_by).toBe('alive')
  })

  it('prefers a queued run over an expired lease', async () => {
    await insertRun(test.db, owner, { status: 'running', claimed_by: 'dead', lease_expires_at: '2000-01-01T00:00:00Z' })
    const queued = await insertRun(test.db, owner)
    expect((await claim(test, 'w'))[0].id).toBe(queued)
  })

  it('counts a claim against the attempt limit only when the previous holder did not hand the run back', async () => {
    const id = await insertRun(test.db, owner)
    expect((await claim(test, 'w1', id))[0].attempt).toBe(1)
    // A voluntary hand-back (the invocation's time is up, a long wait continues later) costs nothing.
    for (let handBack = 0; handBack < 12; handBack++) {
      await as(test.db, serviceClaims, 'select * from ops.release_run($1, $2)', [id, 'w1'])
      expect((await claim(test, 'w1', id))[0].attempt).toBe(1)
    }
    // A holder that vanished (its lease expired) does: that claim counts.
    await test.db.query(`update ops.runs set lease_expires_at = now() - interval '1 second' where id = $1`, [id])
    expect((await claim(test, 'rescuer', id))[0]).toMatchObject({ claimed_by: 'rescuer', attempt: 2 })
  })

  it('never claims finished or waiting runs', async () => {
    for (const status of ['success', 'error', 'canceled', 'waiting_approval']) {
      const id = await insertRun(test.db, owner, { status })
      expect(await claim(test, 'w', id)).toEqual([])
    }
    expect(await claim(test, 'w')).toEqual([])
  })

  it('lets only the lease holder heartbeat and finish', async () => {
    const id = await insertRun(test.db, owner)
    const [first] = await claim(test, 'holder', id, 5)
    const beat = await as<{ lease_expires_at: Date; cancel_requested: boolean }>(
      test.db,
      serviceClaims,
      'select * from ops.heartbeat_run($1, $2, 60)',
      [id, 'holder'],
    )
    expect(beat[0].cancel_requested).toBe(false)
    expect(beat[0].lease_expires_at.getTime()).toBeGreaterThan(first.lease_expires_at!.getTime())

    const intruder = await attempt(test.db, serviceClaims, "select * from ops.heartbeat_run($1, 'intruder')", [id])
    expect(intruder).toMatchObject({ ok: false, code: 'PT409' })
    expect(intruder.ok || intruder.message).toContain('worker intruder does not hold the lease')
    const stolenFinish = await attempt(test.db, serviceClaims, "select ops.finish_run($1, 'intruder', 'success', 'done')", [id])
    expect(stolenFinish).toMatchObject({ ok: false, code: 'PT409' })

    await as(test.db, serviceClaims, "select ops.finish_run($1, 'holder', 'success', 'All steps passed')", [id])
    const done = await getRun(test.db, id)
    expect(done).toMatchObject({ status: 'success', summary: 'All steps passed', claimed_by: 'holder', lease_expires_at: null })
    expect(done.finished_at).toBeInstanceOf(Date)
    const afterFinish = await attempt(test.db, serviceClaims, "select * from ops.heartbeat_run($1, 'holder')", [id])
    expect(afterFinish).toMatchObject({ ok: false, code: 'PT409' })
  })

  it('refuses an invalid worker id, lease or final status with a message saying what is allowed', async () => {
    const id = await insertRun(test.db, owner)
    expect(await attempt(test.db, serviceClaims, "select * from ops.claim_run('')")).toMatchObject({
      ok: false,
      code: '22023',
      message: 'worker id must be 1 to 200 characters',
    })
    expect(await attempt(test.db, serviceClaims, "select * from ops.claim_run('w', null, 0)")).toMatchObject({
      ok: false,
      code: '22023',
      message: 'lease must be 1 to 3600 seconds, got 0',
    })
    await claim(test, 'w', id)
    expect(await attempt(test.db, serviceClaims, "select ops.finish_run($1, 'w', 'done', 'x')", [id])).toMatchObject({
      ok: false,
      code: '22023',
      message: 'a run finishes as success, error or canceled, not done',
    })
  })
})

describePostgres('claim concurrency on real Postgres', () => {
  let test: TestDatabase
  let owner: string
  beforeAll(async () => {
    test = await migratedDatabase('postgres')
    owner = await createUser(test.db, 'owner@example.com')
    // These runs are all in one workspace and none finishes: this suite is about atomic claims,
    // so the deployment's running limit per workspace is raised (test/security/fair-queues covers it).
    await as(test.db, serviceClaims, 'select ops.set_queue_limits(1000, null)')
  })
  afterAll(() => test.drop())

  it('8 concurrent claimers over 500 queued runs claim every run exactly once', async () => {
    await insertQueuedRuns(test.db, owner, 500)
    const claimsByWorker = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const mine: string[] = []
        for (;;) {
          const rows = await claim(test, `worker-${i}`)
          if (rows.length === 0) return mine
          mine.push(rows[0].id)
        }
      }),
    )
    const all = claimsByWorker.flat()
    expect(all).toHaveLength(500)
    expect(new Set(all).size).toBe(500)
    // Work was actually shared, so the claims really raced.
    expect(claimsByWorker.filter((ids) => ids.length > 0).length).toBeGreaterThan(1)
    const { rows } = await test.db.query<{ status: string; attempt: number; n: number }>(
      'select status, attempt, count(*)::int as n from ops.runs group by 1, 2',
    )
    expect(rows).toEqual([{ status: 'running', attempt: 1, n: 500 }])
  })

  it('8 claimers racing for one expired lease: exactly one wins', async () => {
    const id = await insertRun(test.db, owner, { status: 'running', claimed_by: 'dead', lease_expires_at: '2000-01-01T00:00:00Z' })
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(test, `racer-${i}`, id)))
    expect(results.filter((rows) => rows.length === 1)).toHaveLength(1)
    expect((await getRun(test.db, id)).attempt).toBe(1)
  })
})
