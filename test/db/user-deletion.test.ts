/** A person can be deleted (Auth's admin API deletes the auth.users row), and template revisions stay immutable for everyone else. */
import { describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { freshTeamEachTest, saveTemplate, templateYaml, type Team } from '../support/teams.ts'

describe.each(engines)('deleting a user on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  freshTeamEachTest(engine, (fresh) => ({ test, team } = fresh))

  const revisionsOf = async (workspace: string) =>
    (
      await test.db.query<{ slug: string; revision: number; saved_by: string | null }>(
        'select slug, revision, saved_by from ops.template_revisions where workspace_id = $1 and slug = $2 order by revision',
        [workspace, 'deploy'],
      )
    ).rows

  it('deletes a user who saved team templates: their personal workspace goes, the team keeps its revisions without an author', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', templateYaml('Deploy'))
    // The outsider is the only admin of a workspace of their own, with its starter templates.
    const [{ id: personal }] = await team.as<{ id: string }>('admin', 'select ops.ensure_personal_workspace() as id')
    expect((await test.db.query('select 1 from ops.template_revisions where workspace_id = $1', [personal])).rows.length).toBeGreaterThan(0)

    await test.db.query('delete from auth.users where id = $1', [team.users.admin])

    expect((await test.db.query('select 1 from auth.users where id = $1', [team.users.admin])).rows).toEqual([])
    expect((await test.db.query('select 1 from ops.workspaces where id = $1', [personal])).rows).toEqual([])
    expect((await test.db.query('select 1 from ops.template_revisions where workspace_id = $1', [personal])).rows).toEqual([])
    expect(await revisionsOf(team.workspace)).toEqual([{ slug: 'deploy', revision: 1, saved_by: null }])
  })

  it('still refuses any other change to a revision, and its delete while its workspace exists', async () => {
    await saveTemplate(team, 'admin', team.workspace, 'deploy', templateYaml('Deploy'))
    for (const sql of [
      "update ops.template_revisions set template_yaml = 'changed' where workspace_id = $1",
      'update ops.template_revisions set saved_by = null, title = $$x$$ where workspace_id = $1',
      'update ops.template_revisions set template_id = null, title = $$x$$ where workspace_id = $1',
      'delete from ops.template_revisions where workspace_id = $1',
    ]) {
      // As the table owner, who bypasses row-level security: only the trigger stands in the way.
      await expect(test.db.query(sql, [team.workspace])).rejects.toThrow(/template revisions are immutable/)
    }
    expect(await revisionsOf(team.workspace)).toEqual([{ slug: 'deploy', revision: 1, saved_by: team.users.admin }])
  })
})
