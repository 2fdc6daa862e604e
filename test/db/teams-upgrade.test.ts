/**
 * Upgrading a database that two people used under the first schema: nothing is lost, each
 * person's runs move into their personal workspace, templates and spec docs into "Shared", and
 * every existing user can go on working there as an operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, MIGRATIONS_DIR } from '../../local/db/migrate.ts'
import { emptyDatabase, engines, type TestDatabase } from '../support/databases.ts'
import { as, attempt, createUser, perform, serviceClaims, userClaims } from '../support/actors.ts'
import { sha256Hex } from '../support/teams.ts'
import { personalWorkspace } from '../support/workspaces.ts'

const FIRST_SCHEMA = '20250103000000_ops_schema.sql'

/** The tables of the first schema; every row of each must survive the upgrade. */
const OLD_TABLES = ['runs', 'run_events', 'artifacts', 'run_templates', 'spec_docs', 'spec_doc_revisions'] as const

type Snapshot = Record<(typeof OLD_TABLES)[number], Map<string, Record<string, unknown>>>

describe.each(engines)('upgrading to teams on %s', (engine) => {
  let test: TestDatabase
  let ada: string
  let bob: string
  let before: Snapshot
  let shared: string

  const snapshot = async (): Promise<Snapshot> => {
    const taken = {} as Snapshot
    for (const table of OLD_TABLES) {
      // updated_at may move when the upgrade writes workspace_id; everything else must not.
      const { rows } = await test.db.query<{ id: string; row: Record<string, unknown> }>(
        `select id::text as id, to_jsonb(t) - 'updated_at' as row from ops.${table} t`,
      )
      taken[table] = new Map(rows.map((r) => [r.id, r.row]))
    }
    return taken
  }

  beforeAll(async () => {
    test = await emptyDatabase(engine)
    await migrate(test.db, MIGRATIONS_DIR, { through: FIRST_SCHEMA })
    const db = test.db
    ada = await createUser(db, 'ada@example.com')
    bob = await createUser(db, 'bob@example.com')

    // What two people leave behind under the first schema, written the way they wrote it.
    for (const [user, titles] of [
      [ada, ['Ada deploys web', 'Ada opens an incident']],
      [bob, ['Bob deploys api']],
    ] as const) {
      for (const title of titles) {
        await as(
          db,
          userClaims(user),
          "insert into ops.runs (template_slug, kind, env, title) values ('deploy-web', 'deploy', 'staging', $1)",
          [title],
        )
      }
    }
    const runs = (await db.query<{ id: string }>('select id from ops.runs order by title')).rows
    for (const [i, run] of runs.entries()) {
      await as(db, serviceClaims, 'select ops.claim_run($1, $2)', ['old-executor', run.id])
      await as(db, serviceClaims, "select ops.append_run_events($1, 'old-executor', $2)", [
        run.id,
        JSON.stringify([{ message: `started ${i}` }, { message: `finished ${i}` }]),
      ])
      await as(db, serviceClaims, "select ops.add_run_artifact($1, 'old-executor', $2)", [
        run.id,
        JSON.stringify({ kind: 'file', title: `notes ${i}`, content: 'hello' }),
      ])
      await as(db, serviceClaims, "select ops.finish_run($1, 'old-executor', 'success', 'done')", [run.id])
    }
    await as(
      db,
      userClaims(ada),
      "insert into ops.run_templates (slug, kind, title, template_yaml) values ('ada-check', 'custom', 'Ada check', $1)",
      ['version: 1\nkind: custom\ntitle: Ada check\nsteps: []\n'],
    )
    await as(db, userClaims(bob), "update ops.run_templates set title = 'Deploy web (Bob)' where slug = 'deploy-web'")
    await as(db, userClaims(ada), "select ops.save_spec_doc('continue-orchestrator/prd', 'Ada was here', 1)")
    await as(db, userClaims(bob), "select ops.save_spec_doc('continue-orchestrator/prd', 'Bob was here', 2)")
    await as(db, userClaims(bob), "insert into ops.spec_docs (slug, title, content) values ('bob/notes', 'notes.md', 'mine')")

    before = await snapshot()
    await migrate(test.db)
    shared = (await test.db.query<{ id: string }>('select shared_workspace_id as id from ops.deployment_settings')).rows[0].id
    // Two migrations and a history written statement by statement.
  }, 180_000)
  afterAll(() => test.drop())

  it('keeps every row of the first schema, unchanged', async () => {
    const after = await snapshot()
    for (const table of OLD_TABLES) {
      expect(before[table].size, `${table} had rows`).toBeGreaterThan(0)
      for (const [id, row] of before[table]) {
        if (table !== 'run_templates') {
          expect(after[table].get(id), `${table} ${id}`).toMatchObject(row)
          continue
        }
        // A template's text now names the project's public values instead of SUPABASE_* secrets;
        // the text it had is its first revision.
        const { template_yaml: text, ...rest } = row as { template_yaml: string }
        expect(after[table].get(id), `${table} ${id}`).toMatchObject({
          ...rest,
          template_yaml: text
            .replace(/ {2}- name: SUPABASE_URL\n {4}required: true\n {2}- name: SUPABASE_ANON_KEY\n {4}required: true\n/, '')
            .replaceAll('${{ secrets.SUPABASE_URL }}', '${{ project.url }}')
            .replaceAll('${{ secrets.SUPABASE_ANON_KEY }}', '${{ project.anon_key }}'),
        })
        const first = await test.db.query('select template_yaml from ops.template_revisions where template_id = $1 and revision = 1', [id])
        expect(first.rows).toEqual([{ template_yaml: text }])
      }
    }
  })

  it("puts each person's runs in their personal workspace", async () => {
    const { rows } = await test.db.query<{ title: string; personal_for: string | null }>(
      'select r.title, w.personal_for from ops.runs r left join ops.workspaces w on w.id = r.workspace_id order by r.title',
    )
    expect(rows).toEqual([
      { title: 'Ada deploys web', personal_for: ada },
      { title: 'Ada opens an incident', personal_for: ada },
      { title: 'Bob deploys api', personal_for: bob },
    ])
    const adaSees = await attempt(test.db, userClaims(ada), 'select title from ops.runs order by title')
    expect(adaSees).toEqual({ ok: true, rows: [{ title: 'Ada deploys web' }, { title: 'Ada opens an incident' }] })
    const bobSees = await attempt(test.db, userClaims(bob), 'select title from ops.runs order by title')
    expect(bobSees).toEqual({ ok: true, rows: [{ title: 'Bob deploys api' }] })
  })

  it('puts every template and spec doc in "Shared", each template with a current revision of its text', async () => {
    const workspace = await test.db.query('select name, personal_for from ops.workspaces where id = $1', [shared])
    expect(workspace.rows).toEqual([{ name: 'Shared', personal_for: null }])
    // The templates and documents that existed before; new personal workspaces get copies of their own.
    const templates = await test.db.query<{
      slug: string
      workspace_id: string
      template_yaml: string
      version: number
      hash: string | null
    }>(
      `select t.slug, t.workspace_id, t.template_yaml, t.version, r.hash
       from ops.run_templates t left join ops.template_revisions r on r.id = t.revision_id
       where t.id = any($1::uuid[]) order by t.slug`,
      [[...before.run_templates.keys()]],
    )
    expect(templates.rows.map((t) => t.slug)).toEqual(['ada-check', 'deploy-web', 'incident-open'])
    for (const t of templates.rows) {
      expect({ slug: t.slug, workspace: t.workspace_id, hash: t.hash }).toEqual({
        slug: t.slug,
        workspace: shared,
        hash: sha256Hex(t.template_yaml),
      })
      expect(t.version).toBeGreaterThanOrEqual(1)
    }
    const docs = await test.db.query<{ workspace_id: string }>(
      'select distinct workspace_id from ops.spec_docs where id = any($1::uuid[])',
      [[...before.spec_docs.keys()]],
    )
    expect(docs.rows).toEqual([{ workspace_id: shared }])
    const environments = await test.db.query('select name, protected from ops.environments where workspace_id = $1', [shared])
    expect(environments.rows).toEqual([{ name: 'production', protected: true }])
  })

  it('makes every user who existed an operator of "Shared", and no one who signs up later', async () => {
    const later = await createUser(test.db, 'cyd@example.com')
    const { rows } = await test.db.query<{ user_id: string; role: string }>(
      'select user_id, role from ops.workspace_members where workspace_id = $1',
      [shared],
    )
    expect(new Map(rows.map((m) => [m.user_id, m.role]))).toEqual(
      new Map([
        [ada, 'operator'],
        [bob, 'operator'],
      ]),
    )
    expect(rows.some((m) => m.user_id === later)).toBe(false)
    const edited = await attempt(test.db, userClaims(bob), "select version from ops.save_spec_doc($1, 'bob/notes', 'still mine', 1)", [
      shared,
    ])
    expect(edited).toEqual({ ok: true, rows: [{ version: 2 }] })
  })

  it('names an admin of "Shared" through the service role only', async () => {
    const self = await attempt(test.db, userClaims(ada), 'select ops.name_shared_admin($1)', [ada])
    expect(self.ok ? 'allowed' : self.code).toBe('42501')
    await as(test.db, serviceClaims, 'select ops.name_shared_admin($1)', [ada])
    const { rows } = await test.db.query('select role from ops.workspace_members where workspace_id = $1 and user_id = $2', [shared, ada])
    expect(rows).toEqual([{ role: 'admin' }])
  })

  it("lands a run inserted without workspace_id in its starter's personal workspace", async () => {
    const made = await perform(
      test.db,
      userClaims(bob),
      "insert into ops.runs (kind, env, title) values ('custom', 'staging', 'Bob again') returning workspace_id",
    )
    expect(made).toEqual({ ok: true, rows: [{ workspace_id: await personalWorkspace(test.db, bob) }] })
  })
})
