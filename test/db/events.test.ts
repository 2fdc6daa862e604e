import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { describePostgres, engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { as, attempt, createUser, serviceClaims } from '../support/actors.ts'
import { eventSeqs, getRun, insertRun } from '../support/runs.ts'

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ message: `${prefix} ${i}` }))

async function claimedRun(test: TestDatabase, owner: string, worker = 'w'): Promise<string> {
  const id = await insertRun(test.db, owner)
  await as(test.db, serviceClaims, 'select * from ops.claim_run($1, $2)', [worker, id])
  return id
}

const append = (test: TestDatabase, runId: string, worker: string, events: unknown, batchId: string | null = null) =>
  as<{ last_seq: number }>(test.db, serviceClaims, 'select ops.append_run_events($1, $2, $3::jsonb, $4) as last_seq', [
    runId,
    worker,
    JSON.stringify(events),
    batchId,
  ])

describe.each(engines)('appending events on %s', (engine) => {
  let test: TestDatabase
  let owner: string
  beforeEach(async () => {
    test = await migratedDatabase(engine)
    owner = await createUser(test.db, 'owner@example.com')
  })
  afterEach(() => test.drop())

  it('numbers a batch after the last seq and keeps every field', async () => {
    const run = await claimedRun(test, owner)
    expect((await append(test, run, 'w', lines(3, 'first')))[0].last_seq).toBe(3)
    await append(test, run, 'w', [
      {
        level: 'warn',
        source: 'health-before',
        phase: 'preflight',
        step_id: 'health-before',
        message: 'slow response',
        data: { ms: 900 },
        ts: '2025-01-03T10:00:00Z',
      },
    ])
    const { rows } = await test.db.query(
      'select seq, level, source, phase, step_id, message, data, ts from ops.run_events where run_id = $1 order by seq',
      [run],
    )
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4])
    expect(rows[3]).toMatchObject({
      level: 'warn',
      source: 'health-before',
      phase: 'preflight',
      step_id: 'health-before',
      message: 'slow response',
      data: { ms: 900 },
      ts: new Date('2025-01-03T10:00:00Z'),
    })
    expect((await getRun(test.db, run)).last_seq).toBe(4)
  })

  it('does not apply a retried batch twice', async () => {
    const run = await claimedRun(test, owner)
    const batch = randomUUID()
    await append(test, run, 'w', lines(5, 'a'), batch)
    expect((await append(test, run, 'w', lines(5, 'a'), batch))[0].last_seq).toBe(5)
    await append(test, run, 'w', lines(2, 'b'), randomUUID())
    expect(await eventSeqs(test.db, run)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('refuses a worker that does not hold the lease, and writes nothing', async () => {
    const run = await claimedRun(test, owner, 'holder')
    const result = await attempt(test.db, serviceClaims, 'select ops.append_run_events($1, \'other\', \'[{"message":"x"}]\')', [run])
    expect(result).toMatchObject({ ok: false, code: 'PT409' })
    expect(await eventSeqs(test.db, run)).toEqual([])
  })

  it('rejects a bad batch whole: not an array, a bad level, too many events', async () => {
    const run = await claimedRun(test, owner)
    expect(await attempt(test.db, serviceClaims, `select ops.append_run_events($1, 'w', '{"message":"x"}')`, [run])).toMatchObject({
      ok: false,
      code: '22023',
      message: 'events must be a JSON array, got object',
    })
    expect(
      await attempt(test.db, serviceClaims, `select ops.append_run_events($1, 'w', '[{"message":"ok"},{"level":"loud","message":"x"}]')`, [
        run,
      ]),
    ).toMatchObject({ ok: false, code: '23514' })
    expect(
      await attempt(test.db, serviceClaims, "select ops.append_run_events($1, 'w', $2::jsonb)", [run, JSON.stringify(lines(1001, 'x'))]),
    ).toMatchObject({ ok: false, code: '22023', message: 'at most 1000 events per batch, got 1001' })
    expect(await eventSeqs(test.db, run)).toEqual([])
  })

  it('keeps events append-only even for the table owner', async () => {
    const run = await claimedRun(test, owner)
    await append(test, run, 'w', lines(1, 'x'))
    await expect(test.db.query("update ops.run_events set message = 'edited'")).rejects.toThrow('ops.run_events is append-only')
  })
})

describePostgres('seq under concurrent appenders on real Postgres', () => {
  let test: TestDatabase
  let owner: string
  beforeAll(async () => {
    test = await migratedDatabase('postgres')
    owner = await createUser(test.db, 'owner@example.com')
  })
  afterAll(() => test.drop())

  it('8 concurrent appenders to one run give seq 1..N with no gap or duplicate', async () => {
    const run = await claimedRun(test, owner)
    const sizes = await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        let written = 0
        for (let batch = 0; batch < 40; batch++) {
          const size = 1 + ((writer * 7 + batch * 13) % 20)
          await append(test, run, 'w', lines(size, `writer ${writer} batch ${batch}`), randomUUID())
          written += size
        }
        return written
      }),
    )
    const total = sizes.reduce((a, b) => a + b, 0)
    const seqs = await eventSeqs(test.db, run)
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect((await getRun(test.db, run)).last_seq).toBe(total)
    // Each batch stayed contiguous: a writer's lines of one batch are consecutive seqs.
    const { rows } = await test.db.query<{ message: string; seq: number }>(
      'select message, seq from ops.run_events where run_id = $1 order by seq',
      [run],
    )
    const batchOf = (m: string) => m.replace(/ \d+$/, '')
    for (let i = 1; i < rows.length; i++) {
      if (batchOf(rows[i].message) === batchOf(rows[i - 1].message)) continue
      expect(rows[i].message.endsWith(' 0')).toBe(true)
    }
  })
})
