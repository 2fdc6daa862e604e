/**
 * ops.approval_baseline: what the approvals inbox diffs. Members of the run's workspace (viewers
 * too: they read everything there) get the run's pinned revision and the last approved run's; an
 * outsider learns nothing (the same PT404 as for a run that does not exist); anon may not call it.
 */
import { describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { attempt } from '../support/actors.ts'
import { freshTeamEachTest, parkAtGate, saveTemplate, startRun, templateYaml, type Person, type Team } from '../support/teams.ts'

interface Baseline {
  run_revision: number | null
  run_yaml: string | null
  baseline_run_id: string | null
  baseline_revision: number | null
  baseline_yaml: string | null
}

describe.each(engines)('the approval baseline on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  freshTeamEachTest(engine, (fresh) => ({ test, team } = fresh))

  const baseline = (actor: Person | 'anon', runId: string) =>
    attempt(
      test.db,
      team.claims(actor),
      'select run_revision, run_yaml, baseline_run_id, baseline_revision, baseline_yaml from ops.approval_baseline($1)',
      [runId],
    )

  async function parkedDeploy(): Promise<string> {
    const id = await startRun(test.db, team.workspace, team.users.operator, { env: 'production', templateSlug: 'ship' })
    await parkAtGate(test.db, id)
    return id
  }

  it('gives the pinned revision and the revision of the last approved run of the same template', async () => {
    const first = templateYaml('Ship')
    const second = templateYaml('Ship', '  - id: verify\n    title: Verify\n    kind: wait\n    with: { duration: 1s }\n')
    await saveTemplate(team, 'admin', team.workspace, 'ship', first)
    const approved = await parkedDeploy()
    await team.as('approver', 'select ops.decide_approval($1, true, null)', [approved])
    // A run that was rejected is no baseline.
    const rejected = await parkedDeploy()
    await team.as('approver', "select ops.decide_approval($1, false, 'no')", [rejected])
    const { version } = (
      await team.as<{ version: number }>('admin', "select version from ops.run_templates where slug = 'ship' and workspace_id = $1", [
        team.workspace,
      ])
    )[0]
    await saveTemplate(team, 'admin', team.workspace, 'ship', second, version)
    const waiting = await parkedDeploy()

    for (const who of ['viewer', 'operator', 'approver', 'admin'] as const) {
      const result = await baseline(who, waiting)
      expect(result.ok ? (result.rows[0] as unknown as Baseline) : result).toEqual({
        run_revision: 2,
        run_yaml: second,
        baseline_run_id: approved,
        baseline_revision: 1,
        baseline_yaml: first,
      })
    }
  })

  it('has no baseline for the first run of a template', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'ship', templateYaml('Ship'))
    const waiting = await parkedDeploy()
    const result = await baseline('viewer', waiting)
    expect(result.ok && result.rows[0]).toMatchObject({ run_revision: 1, baseline_run_id: null, baseline_yaml: null })
  })

  it('tells an outsider nothing and refuses anon', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'ship', templateYaml('Ship'))
    const waiting = await parkedDeploy()
    const outsider = await baseline('outsider', waiting)
    expect(outsider.ok ? outsider.rows : outsider.code).toBe('PT404')
    const unknown = await baseline('outsider', '00000000-0000-4000-8000-000000000000')
    expect(unknown.ok ? unknown.rows : unknown.message).toBe(
      outsider.ok ? null : outsider.message.replace(waiting, '00000000-0000-4000-8000-000000000000'),
    )
    const anon = await baseline('anon', waiting)
    expect(anon.ok ? anon.rows : anon.code).toBe('42501')
  })
})
