/** Deciding approvals: who may, how many distinct people, never the starter on a protected environment, and what a rejection does. */
import { describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { attempt, perform } from '../support/actors.ts'
import { freshTeamEachTest, parkAtGate, startRun, type Person, type Team } from '../support/teams.ts'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/index.ts'

interface Snapshot {
  status: string
  required: number
  approver_role: string
  prevent_self_review: boolean
  approvals: { by: string; at: string; comment: string | null }[]
}

describe.each(engines)('approvals on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  // One database per file; each test gets its own team in it.
  freshTeamEachTest(engine, (fresh) => ({ test, team } = fresh))

  async function parkedRun(starter: Person, env = 'production', step = ENVIRONMENT_GATE_STEP): Promise<string> {
    const id = await startRun(test.db, team.workspace, team.users[starter], { env, title: `Deploy to ${env}` })
    await parkAtGate(test.db, id, step)
    return id
  }
  const decide = (who: Person, run: string, approve = true, comment: string | null = null) =>
    attempt(test.db, team.claims(who), 'select status from ops.decide_approval($1, $2, $3)', [run, approve, comment])
  const decideOrThrow = async (who: Person, run: string, approve = true, comment: string | null = null) => {
    const result = await perform(test.db, team.claims(who), 'select status from ops.decide_approval($1, $2, $3)', [run, approve, comment])
    if (!result.ok) throw new Error(`${who} could not decide: ${result.code} ${result.message}`)
    return result.rows[0].status
  }
  const runState = async (id: string) =>
    (
      await test.db.query<{ status: string; finished: boolean; step: Snapshot }>(
        'select status, finished_at is not null as finished, step_results -> $2 as step from ops.runs where id = $1',
        [id, ENVIRONMENT_GATE_STEP],
      )
    ).rows[0]
  const decisions = async (id: string) =>
    (
      await test.db.query<{ step_id: string; decided_by: string; decision: string; comment: string | null }>(
        'select step_id, decided_by, decision, comment from ops.run_approvals where run_id = $1 order by decided_at, decided_by',
        [id],
      )
    ).rows
  const setProduction = (required: number, preventSelfReview = true, approverRole = 'approver') =>
    team.as('admin', "select ops.set_environment($1, 'production', true, $2, $3, $4)", [
      team.workspace,
      required,
      preventSelfReview,
      approverRole,
    ])

  it('snapshots what the gate requires when the run parks', async () => {
    const id = await parkedRun('operator')
    const { status, step } = await runState(id)
    expect(status).toBe('waiting_approval')
    expect(step).toMatchObject({ status: 'running', required: 1, approver_role: 'approver', prevent_self_review: true, approvals: [] })
  })

  it('requeues the run when an approver of the workspace approves, and records the decision', async () => {
    const id = await parkedRun('operator')
    expect(await decideOrThrow('approver', id, true, 'looks good')).toBe('queued')
    expect(await decisions(id)).toEqual([
      { step_id: ENVIRONMENT_GATE_STEP, decided_by: team.users.approver, decision: 'approved', comment: 'looks good' },
    ])
    expect((await runState(id)).step.approvals).toEqual([
      expect.objectContaining({ by: team.users.approver, at: expect.any(String), comment: 'looks good' }),
    ])
  })

  it('refuses a viewer and an operator, and leaves the run waiting', async () => {
    const id = await parkedRun('admin')
    for (const who of ['viewer', 'operator'] as const) {
      const result = await decide(who, id)
      expect(result.ok ? `${who} decided` : result.code).toBe('42501')
    }
    expect(await runState(id)).toMatchObject({ status: 'waiting_approval' })
    expect(await decisions(id)).toEqual([])
  })

  it('refuses the starter on a protected environment, and accepts someone else', async () => {
    const id = await parkedRun('approver')
    const own = await decide('approver', id)
    expect(own.ok ? 'approved their own run' : own.code).toBe('42501')
    expect(await runState(id)).toMatchObject({ status: 'waiting_approval' })
    expect(await decideOrThrow('admin', id)).toBe('queued')
  })

  it('lets the starter approve when the environment allows self-review', async () => {
    await setProduction(1, false)
    const id = await parkedRun('approver')
    expect(await decideOrThrow('approver', id)).toBe('queued')
  })

  it('cancels the run on a rejection', async () => {
    const id = await parkedRun('operator')
    expect(await decideOrThrow('approver', id, false, 'not today')).toBe('canceled')
    expect(await runState(id)).toMatchObject({ status: 'canceled', finished: true })
    expect(await decisions(id)).toEqual([
      { step_id: ENVIRONMENT_GATE_STEP, decided_by: team.users.approver, decision: 'rejected', comment: 'not today' },
    ])
  })

  it('needs the required number of distinct approvers; one person counts once', async () => {
    await setProduction(2)
    const id = await parkedRun('operator')
    expect((await runState(id)).step).toMatchObject({ required: 2 })

    expect(await decideOrThrow('approver', id)).toBe('waiting_approval')
    const twice = await decide('approver', id)
    expect(twice.ok ? 'counted twice' : twice.code).toBe('PT409')
    expect(await runState(id)).toMatchObject({ status: 'waiting_approval' })

    expect(await decideOrThrow('admin', id)).toBe('queued')
    expect((await decisions(id)).map((d) => [d.decided_by, d.decision]).sort()).toEqual(
      [
        [team.users.approver, 'approved'],
        [team.users.admin, 'approved'],
      ].sort(),
    )
    expect((await runState(id)).step.approvals.map((a) => a.by)).toEqual([team.users.approver, team.users.admin])
  })

  it('keeps the requirement the run parked with when the environment changes later', async () => {
    const id = await parkedRun('operator')
    await setProduction(3, true, 'admin')
    expect(await decideOrThrow('approver', id)).toBe('queued')
  })

  it('asks for an admin when the environment says so', async () => {
    await setProduction(1, true, 'admin')
    const id = await parkedRun('operator')
    const approver = await decide('approver', id)
    expect(approver.ok ? 'an approver decided' : approver.code).toBe('42501')
    expect(await decideOrThrow('admin', id)).toBe('queued')
  })

  it("lets a template's own approval step on an unprotected environment be approved by its starter", async () => {
    const id = await parkedRun('approver', 'staging', 'policy-approval')
    const step = (
      await test.db.query<{ step: Snapshot }>("select step_results -> 'policy-approval' as step from ops.runs where id = $1", [id])
    ).rows[0].step
    expect(step).toMatchObject({ status: 'running', required: 1, approver_role: 'approver', prevent_self_review: false, approvals: [] })
    expect(await decideOrThrow('approver', id)).toBe('queued')
  })

  it('refuses a decision on a run that is not waiting', async () => {
    const id = await startRun(test.db, team.workspace, team.users.operator, { env: 'production' })
    const result = await decide('approver', id)
    expect(result.ok ? 'decided' : result.code).toBe('PT409')
  })
})
