/** Joining and leaving a workspace: invites, roles, removal, and the rule that a workspace always keeps an admin. */
import { describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { attempt, createUser, perform, userClaims } from '../support/actors.ts'
import { freshTeamEachTest, sha256Hex, type Team } from '../support/teams.ts'

interface Invite {
  id: string
  code: string
  role: string
  expires_at: Date
}

describe.each(engines)('workspace members on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  let domain: string
  // One database per file; each test gets its own team in it.
  freshTeamEachTest(engine, (fresh) => ({ test, team, domain } = fresh))

  const invite = async (role: string) =>
    (await team.as<Invite>('admin', 'select * from ops.create_invite($1, $2)', [team.workspace, role]))[0]
  const members = async () =>
    (
      await test.db.query<{ user_id: string; role: string }>('select user_id, role from ops.workspace_members where workspace_id = $1', [
        team.workspace,
      ])
    ).rows
  const roleOf = async (user: string) => (await members()).find((m) => m.user_id === user)?.role ?? 'not a member'

  it('hands out a code once, stores only its hash, and makes whoever accepts it a member with that role', async () => {
    const made = await invite('approver')
    expect(made).toMatchObject({ role: 'approver', code: expect.any(String) })
    expect(made.expires_at.getTime()).toBeGreaterThan(Date.now())

    const { rows } = await test.db.query<{ code_hash: string; row: string }>(
      'select code_hash, to_jsonb(i)::text as row from ops.workspace_invites i where id = $1',
      [made.id],
    )
    expect(rows[0].code_hash).toBe(sha256Hex(made.code))
    expect(rows[0].row).not.toContain(made.code)

    const newcomer = await createUser(test.db, `grace@${domain}`)
    const joined = await perform(
      test.db,
      userClaims(newcomer),
      'select workspace_id, user_id, role, display_name, invited_by from ops.accept_invite($1)',
      [made.code],
    )
    expect(joined).toEqual({
      ok: true,
      rows: [{ workspace_id: team.workspace, user_id: newcomer, role: 'approver', display_name: 'grace', invited_by: team.users.admin }],
    })
    const used = await test.db.query('select used_by, used_at is not null as used from ops.workspace_invites where id = $1', [made.id])
    expect(used.rows).toEqual([{ used_by: newcomer, used: true }])

    const latecomer = await createUser(test.db, `late@${domain}`)
    const again = await attempt(test.db, userClaims(latecomer), 'select ops.accept_invite($1)', [made.code])
    expect(again.ok ? 'accepted twice' : again.code).toMatch(/^PT40[49]$/)
    expect(await roleOf(latecomer)).toBe('not a member')
  })

  it('names an anonymous guest "Guest" and four hex digits', async () => {
    const made = await invite('viewer')
    const guest = await createUser(test.db)
    const joined = await perform(test.db, { ...userClaims(guest), is_anonymous: true }, 'select display_name from ops.accept_invite($1)', [
      made.code,
    ])
    expect(joined.ok ? String(joined.rows[0].display_name) : joined.message).toMatch(/^Guest [0-9a-f]{4}$/)
  })

  it('refuses an expired, a revoked and an unknown code', async () => {
    const expired = await invite('viewer')
    await test.db.query("update ops.workspace_invites set expires_at = now() - interval '1 minute' where id = $1", [expired.id])
    const revoked = await invite('viewer')
    await team.as('admin', 'select ops.revoke_invite($1)', [revoked.id])
    const newcomer = await createUser(test.db, `grace@${domain}`)
    for (const code of [expired.code, revoked.code, 'not-a-code']) {
      const result = await attempt(test.db, userClaims(newcomer), 'select ops.accept_invite($1)', [code])
      expect(result.ok ? `accepted ${code}` : result.code).toMatch(/^PT40[49]$/)
    }
    expect(await roleOf(newcomer)).toBe('not a member')
  })

  it('refuses an invite for a role that does not exist', async () => {
    const result = await attempt(test.db, team.claims('admin'), "select ops.create_invite($1, 'owner')", [team.workspace])
    expect(result.ok ? 'allowed' : result.code).toBe('22023')
  })

  it('lets an admin change roles, and never demotes the last admin', async () => {
    await team.as('admin', "select ops.set_member_role($1, $2, 'operator')", [team.workspace, team.users.viewer])
    expect(await roleOf(team.users.viewer)).toBe('operator')

    const alone = await attempt(test.db, team.claims('admin'), "select ops.set_member_role($1, $2, 'approver')", [
      team.workspace,
      team.users.admin,
    ])
    expect(alone.ok ? 'demoted the last admin' : alone.code).toBe('PT409')
    expect(await roleOf(team.users.admin)).toBe('admin')

    await team.as('admin', "select ops.set_member_role($1, $2, 'admin')", [team.workspace, team.users.approver])
    await team.as('admin', "select ops.set_member_role($1, $2, 'viewer')", [team.workspace, team.users.admin])
    expect(await roleOf(team.users.admin)).toBe('viewer')
  })

  it('refuses an unknown role and a user who is not a member', async () => {
    const role = await attempt(test.db, team.claims('admin'), "select ops.set_member_role($1, $2, 'owner')", [
      team.workspace,
      team.users.viewer,
    ])
    expect(role.ok ? 'allowed' : role.code).toBe('22023')
    const stranger = await attempt(test.db, team.claims('admin'), "select ops.set_member_role($1, $2, 'viewer')", [
      team.workspace,
      team.users.outsider,
    ])
    expect(stranger.ok ? 'allowed' : stranger.code).toBe('PT404')
  })

  it('lets an admin remove a member and a member leave, but not the last admin', async () => {
    await team.as('admin', 'select ops.remove_member($1, $2)', [team.workspace, team.users.operator])
    await team.as('viewer', 'select ops.remove_member($1, $2)', [team.workspace, team.users.viewer])
    expect(await roleOf(team.users.operator)).toBe('not a member')
    expect(await roleOf(team.users.viewer)).toBe('not a member')

    const other = await attempt(test.db, team.claims('approver'), 'select ops.remove_member($1, $2)', [team.workspace, team.users.admin])
    expect(other.ok ? 'allowed' : other.code).toBe('42501')

    const last = await attempt(test.db, team.claims('admin'), 'select ops.remove_member($1, $2)', [team.workspace, team.users.admin])
    expect(last.ok ? 'the last admin left' : last.code).toBe('PT409')
    expect(await roleOf(team.users.admin)).toBe('admin')
  })

  it('takes away what a removed member could read', async () => {
    const before = await attempt(test.db, team.claims('viewer'), 'select id from ops.workspaces where id = $1', [team.workspace])
    expect(before).toMatchObject({ ok: true, rows: [{ id: team.workspace }] })
    await team.as('admin', 'select ops.remove_member($1, $2)', [team.workspace, team.users.viewer])
    const after = await attempt(test.db, team.claims('viewer'), 'select id from ops.workspaces where id = $1', [team.workspace])
    expect(after).toEqual({ ok: true, rows: [] })
  })
})
