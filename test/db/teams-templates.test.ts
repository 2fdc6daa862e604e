/** Templates belong to a workspace, change only through ops.save_template, keep every revision, and runs pin the one they started from. */
import { describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { attempt, perform } from '../support/actors.ts'
import { freshTeamEachTest, refusal, saveTemplate, sha256Hex, templateYaml, type Team } from '../support/teams.ts'

interface Revision {
  template_id: string | null
  workspace_id: string
  slug: string
  revision: number
  template_yaml: string
  hash: string
  saved_by: string
}

describe.each(engines)('workspace templates on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  const first = templateYaml('Deploy')
  const second = templateYaml('Deploy, edited')

  // One database per file; each test gets its own team in it.
  freshTeamEachTest(engine, (fresh) => ({ test, team } = fresh))

  const revisions = async (slug: string, workspace = team.workspace) =>
    (
      await test.db.query<Revision>(
        'select template_id, workspace_id, slug, revision, template_yaml, hash, saved_by from ops.template_revisions where slug = $1 and workspace_id = $2 order by revision',
        [slug, workspace],
      )
    ).rows
  const template = async (slug: string) =>
    (
      await test.db.query('select id, version, revision_id, template_yaml from ops.run_templates where slug = $1 and workspace_id = $2', [
        slug,
        team.workspace,
      ])
    ).rows[0]

  it('keeps every save as an immutable revision with the sha256 of its text', async () => {
    const created = await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    expect(created.version).toBe(1)
    const edited = await saveTemplate(team, 'admin', team.workspace, 'deploy', second, 1)
    expect(edited).toMatchObject({ id: created.id, version: 2 })

    const saved = await revisions('deploy')
    expect(saved).toEqual([
      {
        template_id: created.id,
        workspace_id: team.workspace,
        slug: 'deploy',
        revision: 1,
        template_yaml: first,
        hash: sha256Hex(first),
        saved_by: team.users.admin,
      },
      {
        template_id: created.id,
        workspace_id: team.workspace,
        slug: 'deploy',
        revision: 2,
        template_yaml: second,
        hash: sha256Hex(second),
        saved_by: team.users.admin,
      },
    ])
    const current = await test.db.query<{ id: string }>('select id from ops.template_revisions where template_id = $1 and revision = 2', [
      created.id,
    ])
    expect(await template('deploy')).toMatchObject({ version: 2, revision_id: current.rows[0].id, template_yaml: second })

    const rewrite = await refusal(
      test.db,
      { role: 'service_role' },
      "update ops.template_revisions set template_yaml = 'poisoned' where template_id = $1",
      [created.id],
    )
    expect(rewrite === 'allowed' ? rewrite : rewrite.code).toBe('42501')
  })

  it('refuses to create a template that exists, and a save from a stale version, naming both versions', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    await saveTemplate(team, 'admin', team.workspace, 'deploy', second, 1)

    const again = await refusal(test.db, team.claims('admin'), "select ops.save_template($1, 'deploy', $2, null, 'Deploy')", [
      team.workspace,
      first,
    ])
    expect(again === 'allowed' ? again : again.code).toBe('PT409')

    const stale = await refusal(test.db, team.claims('admin'), "select ops.save_template($1, 'deploy', $2, 1, 'Deploy')", [
      team.workspace,
      templateYaml('Lost edit'),
    ])
    expect(stale).toMatchObject({ code: 'PT409', detail: 'expected_version=1 latest_version=2' })
    expect((await revisions('deploy')).map((r) => r.revision)).toEqual([1, 2])
  })

  it('deletes a template at its current version only, and keeps its revisions', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    await saveTemplate(team, 'admin', team.workspace, 'deploy', second, 1)

    const stale = await refusal(test.db, team.claims('admin'), "select ops.delete_template($1, 'deploy', 1)", [team.workspace])
    expect(stale === 'allowed' ? stale : stale.code).toBe('PT409')

    await team.as('admin', "select ops.delete_template($1, 'deploy', 2)", [team.workspace])
    expect(await template('deploy')).toBeUndefined()
    const kept = await revisions('deploy')
    expect(kept.map((r) => [r.revision, r.template_id])).toEqual([
      [1, null],
      [2, null],
    ])
    const unknown = await refusal(test.db, team.claims('admin'), "select ops.delete_template($1, 'deploy', 2)", [team.workspace])
    expect(unknown === 'allowed' ? unknown : unknown.code).toBe('PT404')
  })

  it('lets two workspaces use the same slug', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    await saveTemplate(team, 'outsider', team.other, 'deploy', second)
    expect((await revisions('deploy')).map((r) => r.template_yaml)).toEqual([first])
    expect((await revisions('deploy', team.other)).map((r) => r.template_yaml)).toEqual([second])
  })

  it('pins a new run to the current revision and its hash, and keeps older runs on theirs', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    const insertRun = () =>
      perform(
        test.db,
        team.claims('operator'),
        "insert into ops.runs (workspace_id, template_slug, title) values ($1, 'deploy', 'Deploy') returning id, template_revision_id, template_hash",
        [team.workspace],
      )
    const before = await insertRun()
    await saveTemplate(team, 'admin', team.workspace, 'deploy', second, 1)
    const after = await insertRun()

    const [r1, r2] = await revisions('deploy')
    const ids = (
      await test.db.query<{ id: string }>('select id from ops.template_revisions where slug = $1 and workspace_id = $2 order by revision', [
        'deploy',
        team.workspace,
      ])
    ).rows
    expect(before).toMatchObject({ ok: true, rows: [{ template_revision_id: ids[0].id, template_hash: r1.hash }] })
    expect(after).toMatchObject({ ok: true, rows: [{ template_revision_id: ids[1].id, template_hash: r2.hash }] })
    const kept = await test.db.query('select template_revision_id from ops.runs where id = $1', [before.ok && before.rows[0].id])
    expect(kept.rows).toEqual([{ template_revision_id: ids[0].id }])
  })

  it('takes the hash from the revision, whatever the insert says', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    const run = await perform(
      test.db,
      team.claims('operator'),
      "insert into ops.runs (workspace_id, template_slug, title, template_hash) values ($1, 'deploy', 'Deploy', repeat('0', 64)) returning template_hash",
      [team.workspace],
    )
    expect(run).toEqual({ ok: true, rows: [{ template_hash: sha256Hex(first) }] })
  })

  it("refuses a run pinned to another template's or another workspace's revision", async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', first)
    await saveTemplate(team, 'admin', team.workspace, 'rollback', second)
    await saveTemplate(team, 'outsider', team.other, 'deploy', templateYaml('Theirs'))
    const revisionOf = async (slug: string, workspace: string) =>
      (
        await test.db.query<{ id: string }>('select id from ops.template_revisions where slug = $1 and workspace_id = $2', [
          slug,
          workspace,
        ])
      ).rows[0].id

    for (const foreign of [await revisionOf('rollback', team.workspace), await revisionOf('deploy', team.other)]) {
      const result = await attempt(
        test.db,
        team.claims('operator'),
        "insert into ops.runs (workspace_id, template_slug, template_revision_id, title) values ($1, 'deploy', $2, 'Deploy') returning id",
        [team.workspace, foreign],
      )
      expect(result.ok ? 'pinned a foreign revision' : 'refused').toBe('refused')
    }
  })

  it('never pins a run of W to a template of another workspace with the same slug', async () => {
    await saveTemplate(team, 'outsider', team.other, 'theirs', templateYaml('Theirs'))
    const result = await attempt(
      test.db,
      team.claims('operator'),
      "insert into ops.runs (workspace_id, template_slug, title) values ($1, 'theirs', 'Theirs') returning template_revision_id",
      [team.workspace],
    )
    // Refused, or a run with no pinned revision: either way never the other workspace's text.
    expect(result.ok ? result.rows[0].template_revision_id : null).toBeNull()
  })
})
