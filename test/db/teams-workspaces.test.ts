/** Workspaces and what their members do in them: personal and team workspaces, environments, board details, spec docs, cancel, execute, secrets. */
import { beforeEach, describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { as, attempt, createUser, perform, serviceClaims, userClaims } from '../support/actors.ts'
import { freshTeamEachTest, refusal, startRun, type Team } from '../support/teams.ts'

describe.each(engines)('workspaces on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  // One database per file; each test gets its own team in it.
  freshTeamEachTest(engine, (fresh) => ({ test, team } = fresh))

  const code = (result: Awaited<ReturnType<typeof refusal>>) => (result === 'allowed' ? result : result.code)

  describe('creating', () => {
    it('makes the creator admin of a new team workspace with a protected production environment', async () => {
      const [made] = await team.as<{ id: string; name: string; personal_for: string | null; board_details: boolean }>(
        'viewer',
        "select id, name, personal_for, board_details from ops.create_workspace('Payments')",
      )
      expect(made).toMatchObject({ name: 'Payments', personal_for: null, board_details: false })
      const members = await test.db.query('select user_id, role from ops.workspace_members where workspace_id = $1', [made.id])
      expect(members.rows).toEqual([{ user_id: team.users.viewer, role: 'admin' }])
      const environments = await test.db.query(
        'select name, protected, required_approvals, prevent_self_review, approver_role from ops.environments where workspace_id = $1',
        [made.id],
      )
      expect(environments.rows).toEqual([
        { name: 'production', protected: true, required_approvals: 1, prevent_self_review: true, approver_role: 'approver' },
      ])
    })

    it('refuses names that are empty or longer than 100 characters', async () => {
      for (const name of ['', 'x'.repeat(101)]) {
        expect(code(await refusal(test.db, team.claims('viewer'), 'select ops.create_workspace($1)', [name]))).toMatch(/^(22023|23514)$/)
      }
    })

    it('refuses an anonymous user unless the deployment allows it', async () => {
      const guest = await createUser(test.db)
      const claims = { ...userClaims(guest), is_anonymous: true }
      await as(test.db, serviceClaims, 'select ops.set_anonymous_workspaces(false)')
      expect(code(await refusal(test.db, claims, "select ops.create_workspace('Guests')"))).toBe('42501')
      await as(test.db, serviceClaims, 'select ops.set_anonymous_workspaces(true)')
      expect(await perform(test.db, claims, "select name from ops.create_workspace('Guests')")).toEqual({
        ok: true,
        rows: [{ name: 'Guests' }],
      })
    })

    it('gives every user one personal workspace, with no environments, where their runs land by default', async () => {
      const [{ id: personal }] = await team.as<{ id: string }>('viewer', 'select ops.ensure_personal_workspace() as id')
      const [{ id: again }] = await team.as<{ id: string }>('viewer', 'select ops.ensure_personal_workspace() as id')
      expect(again).toBe(personal)
      const row = await test.db.query('select personal_for from ops.workspaces where id = $1', [personal])
      expect(row.rows).toEqual([{ personal_for: team.users.viewer }])
      expect((await test.db.query('select 1 from ops.environments where workspace_id = $1', [personal])).rows).toEqual([])

      // A viewer of W still starts runs of their own: without workspace_id they land in the personal workspace.
      const run = await perform(test.db, team.claims('viewer'), "insert into ops.runs (title) values ('mine') returning workspace_id")
      expect(run).toEqual({ ok: true, rows: [{ workspace_id: personal }] })
    })
  })

  describe('settings of a workspace', () => {
    it('lets an admin protect an environment and checks its values', async () => {
      const [env] = await team.as('admin', "select * from ops.set_environment($1, 'staging', true, 2, false, 'admin')", [team.workspace])
      expect(env).toMatchObject({
        workspace_id: team.workspace,
        name: 'staging',
        protected: true,
        required_approvals: 2,
        prevent_self_review: false,
        approver_role: 'admin',
        updated_by: team.users.admin,
      })
      for (const [required, role] of [
        [0, 'approver'],
        [11, 'approver'],
        [1, 'operator'],
      ] as const) {
        const result = await refusal(test.db, team.claims('admin'), "select ops.set_environment($1, 'staging', true, $2, true, $3)", [
          team.workspace,
          required,
          role,
        ])
        expect(code(result)).toMatch(/^(22023|23514)$/)
      }
    })

    it('lets an admin turn board details on', async () => {
      const [ws] = await team.as('admin', 'select board_details from ops.set_board_details($1, true)', [team.workspace])
      expect(ws).toEqual({ board_details: true })
    })
  })

  describe('spec docs', () => {
    let doc: string
    beforeEach(async () => {
      const { rows } = await test.db.query<{ id: string }>(
        "insert into ops.spec_docs (workspace_id, slug, title, content) values ($1, 'team/plan', 'plan.md', 'v1') returning id",
        [team.workspace],
      )
      doc = rows[0].id
    })

    it('lets an operator save a new version and keeps the old one', async () => {
      const [saved] = await team.as('operator', "select version, content from ops.save_spec_doc($1, 'team/plan', 'v2', 1)", [
        team.workspace,
      ])
      expect(saved).toEqual({ version: 2, content: 'v2' })
      const kept = await test.db.query('select version, content from ops.spec_doc_revisions where doc_id = $1', [doc])
      expect(kept.rows).toEqual([{ version: 1, content: 'v1' }])
    })

    it('refuses a viewer, a stale version, and the old form without a workspace', async () => {
      expect(
        code(await refusal(test.db, team.claims('viewer'), "select ops.save_spec_doc($1, 'team/plan', 'v2', 1)", [team.workspace])),
      ).toBe('42501')
      await team.as('operator', "select ops.save_spec_doc($1, 'team/plan', 'v2', 1)", [team.workspace])
      const stale = await refusal(test.db, team.claims('operator'), "select ops.save_spec_doc($1, 'team/plan', 'lost', 1)", [
        team.workspace,
      ])
      expect(stale).toMatchObject({ code: 'PT409', detail: 'expected_version=1 latest_version=2' })
      expect(code(await refusal(test.db, team.claims('operator'), "select ops.save_spec_doc('team/plan', 'v3', 2)"))).toBe('42883')
    })

    it('finds the document by slug within the workspace only', async () => {
      const other = await refusal(test.db, team.claims('outsider'), "select ops.save_spec_doc($1, 'team/plan', 'v2', 1)", [team.other])
      expect(code(other)).toBe('PT404')
    })
  })

  describe('runs', () => {
    it("lets an operator cancel another member's run, and refuses a viewer", async () => {
      const run = await startRun(test.db, team.workspace, team.users.admin)
      expect(code(await refusal(test.db, team.claims('viewer'), 'select ops.request_cancel($1)', [run]))).toBe('42501')
      const [canceled] = await team.as('operator', 'select status from ops.request_cancel($1)', [run])
      expect(canceled).toEqual({ status: 'canceled' })
    })

    it('refuses a viewer who starts a run in W, and names no other workspace', async () => {
      const result = await attempt(test.db, team.claims('viewer'), "insert into ops.runs (workspace_id, title) values ($1, 'x')", [
        team.workspace,
      ])
      expect(result.ok ? 'started' : result.code).toBe('42501')
      const elsewhere = await attempt(test.db, team.claims('operator'), "insert into ops.runs (workspace_id, title) values ($1, 'x')", [
        team.other,
      ])
      expect(elsewhere.ok ? 'started in a workspace it does not belong to' : elsewhere.code).toBe('42501')
    })

    it('says who may have a run executed', async () => {
      const run = await startRun(test.db, team.workspace, team.users.operator)
      const answers: Record<string, unknown> = {}
      for (const who of ['outsider', 'viewer', 'operator', 'approver', 'admin'] as const) {
        const result = await attempt(test.db, team.claims(who), 'select ops.may_execute_run($1) as may', [run])
        answers[who] = result.ok ? result.rows[0].may : result.code
      }
      expect(answers).toEqual({ outsider: false, viewer: false, operator: true, approver: true, admin: true })
    })
  })

  describe('secret bindings', () => {
    it('binds a name to hosts for the service role, and refuses reserved names and bad hosts', async () => {
      const [bound] = await as(
        test.db,
        serviceClaims,
        "select name, hosts, environments from ops.bind_secret('GITHUB_TOKEN', $1, array['api.github.com'], array['production'])",
        [team.workspace],
      )
      expect(bound).toEqual({ name: 'GITHUB_TOKEN', hosts: ['api.github.com'], environments: ['production'] })
      for (const [name, hosts] of [
        ['SUPABASE_SERVICE_ROLE_KEY', ['example.com']],
        ['SB_SECRET', ['example.com']],
        ['DATABASE_URL', ['example.com']],
        ['OPS_SIGNING_KEY', ['example.com']],
        ['lowercase', ['example.com']],
        ['TOKEN', []],
        ['TOKEN', ['api.example.com/path']],
        ['TOKEN', ['two words']],
      ] as const) {
        const result = await refusal(test.db, serviceClaims, 'select ops.bind_secret($1, $2, $3)', [name, team.workspace, hosts])
        expect([name, hosts, code(result)]).toEqual([name, hosts, expect.stringMatching(/^(22023|23514)$/)])
      }
      // Host names are kept in lower case, the form they are compared in.
      const [mixed] = await as(test.db, serviceClaims, "select hosts from ops.bind_secret('NPM_TOKEN', $1, array['Registry.NPMjs.org'])", [
        team.workspace,
      ])
      expect(mixed).toEqual({ hosts: ['registry.npmjs.org'] })
      await as(test.db, serviceClaims, "select ops.unbind_secret('NPM_TOKEN', $1)", [team.workspace])
      await as(test.db, serviceClaims, "select ops.unbind_secret('GITHUB_TOKEN', $1)", [team.workspace])
      expect((await test.db.query('select 1 from ops.secret_bindings where workspace_id = $1', [team.workspace])).rows).toEqual([])
    })

    it('shows an admin the names and hosts of its workspace only', async () => {
      await as(test.db, serviceClaims, "select ops.bind_secret('W_TOKEN', $1, array['api.example.com'])", [team.workspace])
      await as(test.db, serviceClaims, "select ops.bind_secret('O_TOKEN', $1, array['api.example.com'])", [team.other])
      const seen = await team.as('admin', 'select name, hosts from ops.secret_bindings')
      expect(seen).toEqual([{ name: 'W_TOKEN', hosts: ['api.example.com'] }])
    })
  })
})
