/**
 * A person alone in their personal workspace (cancel, approve, reject their own runs) and the
 * executor's bookkeeping functions. Team roles and approvals by others: teams-*.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { as, attempt, createUser, perform, serviceClaims, userClaims } from '../support/actors.ts'
import { eventSeqs, getRun, insertRun } from '../support/runs.ts'

describe.each(engines)('run actions on %s', (engine) => {
  let test: TestDatabase
  let owner: string
  let stranger: string
  const service = (sql: string, params: unknown[] = []) => as(test.db, serviceClaims, sql, params)
  const byOwner = (sql: string, params: unknown[] = []) => perform(test.db, userClaims(owner), sql, params)

  async function runningRun(worker = 'w'): Promise<string> {
    const id = await insertRun(test.db, owner)
    await service('select * from ops.claim_run($1, $2)', [worker, id])
    return id
  }

  async function waitingRun(): Promise<string> {
    const id = await runningRun()
    await service("select ops.await_approval($1, 'w', 'policy-approval')", [id])
    return id
  }

  beforeEach(async () => {
    test = await migratedDatabase(engine)
    owner = await createUser(test.db, 'owner@example.com')
    stranger = await createUser(test.db, 'stranger@example.com')
  })
  afterEach(() => test.drop())

  describe('request_cancel', () => {
    it('cancels a queued run at once, with an event from the user', async () => {
      const id = await insertRun(test.db, owner)
      expect(await byOwner('select status from ops.request_cancel($1)', [id])).toMatchObject({ ok: true, rows: [{ status: 'canceled' }] })
      expect(await getRun(test.db, id)).toMatchObject({ status: 'canceled', summary: 'Canceled by owner before it started', last_seq: 1 })
      const { rows } = await test.db.query('select seq, source, level, message from ops.run_events where run_id = $1', [id])
      expect(rows).toEqual([{ seq: 1, source: 'user', level: 'warn', message: 'Canceled by owner' }])
    })

    it('asks a running run to stop, and is harmless to repeat', async () => {
      const id = await runningRun()
      await byOwner('select ops.request_cancel($1)', [id])
      await byOwner('select ops.request_cancel($1)', [id])
      expect(await getRun(test.db, id)).toMatchObject({ status: 'running', cancel_requested: true, last_seq: 1 })
      const beat = await service("select cancel_requested from ops.heartbeat_run($1, 'w')", [id])
      expect(beat).toEqual([{ cancel_requested: true }])
    })

    it('refuses someone else, and leaves a finished run alone', async () => {
      const id = await insertRun(test.db, owner)
      expect(await attempt(test.db, userClaims(stranger), 'select ops.request_cancel($1)', [id])).toMatchObject({
        // Someone outside the run's workspace learns nothing about it.
        ok: false,
        code: 'PT404',
        message: `run ${id} does not exist`,
      })
      const done = await insertRun(test.db, owner, { status: 'success' })
      expect(await byOwner('select status from ops.request_cancel($1)', [done])).toMatchObject({ ok: true, rows: [{ status: 'success' }] })
      expect(await eventSeqs(test.db, done)).toEqual([])
    })

    it('says when the run does not exist', async () => {
      const missing = '00000000-0000-0000-0000-000000000000'
      expect(await byOwner('select ops.request_cancel($1)', [missing])).toMatchObject({
        ok: false,
        code: 'PT404',
        message: `run ${missing} does not exist`,
      })
    })
  })

  describe('approval', () => {
    it('parks the run without a lease, then approval requeues it with the decision recorded', async () => {
      const id = await waitingRun()
      expect(await getRun(test.db, id)).toMatchObject({
        status: 'waiting_approval',
        claimed_by: null,
        lease_expires_at: null,
        current_step: 'policy-approval',
      })
      await byOwner("select ops.decide_approval($1, true, 'ship it')", [id])
      const run = await getRun(test.db, id)
      expect(run).toMatchObject({ status: 'queued', finished_at: null })
      expect(run.step_results['policy-approval']).toMatchObject({
        status: 'succeeded',
        decision: 'approved',
        decided_by: owner,
        comment: 'ship it',
      })
      // Parking for approval took back the first claim's attempt: the resumed run is still on attempt 1.
      const [reclaimed] = await service("select id, attempt from ops.claim_run('next')")
      expect(reclaimed).toEqual({ id, attempt: 1 })
    })

    it('rejection cancels the run', async () => {
      const id = await waitingRun()
      await byOwner('select ops.decide_approval($1, false)', [id])
      const run = await getRun(test.db, id)
      expect(run).toMatchObject({ status: 'canceled', summary: 'Rejected by owner at step policy-approval' })
      expect(run.step_results['policy-approval']).toMatchObject({ status: 'failed', decision: 'rejected' })
    })

    it('refuses a stranger, and a run that is not waiting', async () => {
      const id = await waitingRun()
      expect(await attempt(test.db, userClaims(stranger), 'select ops.decide_approval($1, true)', [id])).toMatchObject({
        ok: false,
        code: 'PT404',
      })
      const running = await runningRun('w2')
      expect(await byOwner('select ops.decide_approval($1, true)', [running])).toMatchObject({
        ok: false,
        code: 'PT409',
        message: `run ${running} is running, not waiting for approval`,
      })
    })

    it('cancel while waiting ends the run and a later approval is refused', async () => {
      const id = await waitingRun()
      await byOwner('select ops.request_cancel($1)', [id])
      expect(await getRun(test.db, id)).toMatchObject({
        status: 'canceled',
        summary: 'Canceled by owner while waiting for approval at step policy-approval',
      })
      expect(await byOwner('select ops.decide_approval($1, true)', [id])).toMatchObject({ ok: false, code: 'PT409' })
    })
  })

  describe('executor bookkeeping', () => {
    it('records step results under the lease and refuses bad results', async () => {
      const id = await runningRun()
      await service(`select ops.record_step($1, 'w', 'build', '{"status":"running"}')`, [id])
      await service(`select ops.record_step($1, 'w', 'build', '{"status":"succeeded","attempts":1}')`, [id])
      expect(await getRun(test.db, id)).toMatchObject({
        current_step: 'build',
        step_results: { build: { status: 'succeeded', attempts: 1 } },
      })
      expect(await attempt(test.db, serviceClaims, `select ops.record_step($1, 'w', 'build', '{"status":"done"}')`, [id])).toMatchObject({
        ok: false,
        code: '22023',
      })
      expect(
        await attempt(test.db, serviceClaims, `select ops.record_step($1, 'other', 'build', '{"status":"running"}')`, [id]),
      ).toMatchObject({ ok: false, code: 'PT409' })
    })

    it('stores the plan only once', async () => {
      const id = await runningRun()
      await service(`select ops.set_run_plan($1, 'w', '{"steps":["first"]}')`, [id])
      await service(`select ops.set_run_plan($1, 'w', '{"steps":["second"]}')`, [id])
      const { rows } = await test.db.query('select plan from ops.runs where id = $1', [id])
      expect(rows[0].plan).toEqual({ steps: ['first'] })
    })

    it('adds an artifact once per key, and refuses a javascript: link', async () => {
      const id = await runningRun()
      const artifact = {
        key: 'dispatch:link',
        step_id: 'dispatch',
        kind: 'link',
        title: 'Workflow run',
        url: 'https://github.com/acme/web/actions',
      }
      await service('select ops.add_run_artifact($1, $2, $3::jsonb)', [id, 'w', JSON.stringify(artifact)])
      const again = await service('select (ops.add_run_artifact($1, $2, $3::jsonb)).title', [id, 'w', JSON.stringify(artifact)])
      expect(again).toEqual([{ title: 'Workflow run' }])
      const { rows } = await test.db.query('select count(*)::int as n from ops.artifacts where run_id = $1', [id])
      expect(rows[0].n).toBe(1)
      const evil = { ...artifact, key: 'x', url: 'javascript:alert(1)' }
      expect(
        await attempt(test.db, serviceClaims, 'select ops.add_run_artifact($1, $2, $3::jsonb)', [id, 'w', JSON.stringify(evil)]),
      ).toMatchObject({ ok: false, code: '23514' })
    })

    it('hands a run back to the queue so another executor continues at once', async () => {
      const id = await runningRun('first')
      await service("select ops.release_run($1, 'first')", [id])
      expect(await getRun(test.db, id)).toMatchObject({ status: 'queued', claimed_by: null })
      const [next] = await service("select claimed_by, attempt from ops.claim_run('second')")
      // A hand-back uses no attempt (only an expired lease does).
      expect(next).toEqual({ claimed_by: 'second', attempt: 1 })
    })
  })
})
