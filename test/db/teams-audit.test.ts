/** The audit trail: every governed action leaves a row, and no one — not even the table's owner — changes or removes one. */
import { describe, expect, it } from 'vitest'
import { engines, type TestDatabase } from '../support/databases.ts'
import { attempt, createUser, serviceClaims, userClaims, as } from '../support/actors.ts'
import { freshTeamEachTest, parkAtGate, refusal, saveTemplate, sha256Hex, startRun, templateYaml, type Team } from '../support/teams.ts'

interface Entry {
  action: string
  actor: string | null
  target: string | null
  before_hash: string | null
  after_hash: string | null
}

describe.each(engines)('audit trail on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  let domain: string
  // One database per file; each test gets its own team in it.
  freshTeamEachTest(engine, (fresh) => ({ test, team, domain } = fresh))

  const trail = async (workspace: string, afterId = 0) =>
    (
      await test.db.query<Entry>(
        'select action, actor, target, before_hash, after_hash from ops.audit_log where workspace_id = $1 and id > $2 order by id',
        [workspace, afterId],
      )
    ).rows
  const lastId = async () => Number((await test.db.query<{ id: string | null }>('select max(id) as id from ops.audit_log')).rows[0].id ?? 0)

  it('records the creation of a workspace by its creator', async () => {
    expect((await trail(team.other)).map((e) => [e.action, e.actor])).toContainEqual(['workspace.create', team.users.outsider])
  })

  it('records each governed action with its actor, in order', async () => {
    const since = await lastId()
    const W = team.workspace
    const u = team.users
    const first = templateYaml('Deploy')
    const second = templateYaml('Deploy, edited')

    const [invite] = await team.as<{ id: string; code: string }>('admin', "select id, code from ops.create_invite($1, 'viewer')", [W])
    const newcomer = await createUser(test.db, `grace@${domain}`)
    await as(test.db, userClaims(newcomer), 'select ops.accept_invite($1)', [invite.code])
    const [unused] = await team.as<{ id: string }>('admin', "select id from ops.create_invite($1, 'viewer')", [W])
    await team.as('admin', 'select ops.revoke_invite($1)', [unused.id])
    await team.as('admin', "select ops.set_member_role($1, $2, 'operator')", [W, newcomer])
    await team.as('admin', 'select ops.remove_member($1, $2)', [W, newcomer])
    await saveTemplate(team, 'admin', W, 'deploy', first)
    await saveTemplate(team, 'admin', W, 'deploy', second, 1)
    await team.as('admin', "select ops.delete_template($1, 'deploy', 2)", [W])
    await team.as('admin', "select ops.set_environment($1, 'staging', true)", [W])
    await team.as('admin', 'select ops.set_board_details($1, true)', [W])
    const approved = await startRun(test.db, W, u.operator, { env: 'production' })
    await parkAtGate(test.db, approved)
    await team.as('approver', 'select ops.decide_approval($1, true)', [approved])
    const rejected = await startRun(test.db, W, u.operator, { env: 'production' })
    await parkAtGate(test.db, rejected)
    await team.as('approver', 'select ops.decide_approval($1, false)', [rejected])
    const canceled = await startRun(test.db, W, u.admin)
    await team.as('operator', 'select ops.request_cancel($1)', [canceled])
    await as(test.db, serviceClaims, "select ops.bind_secret('W_TOKEN', $1, array['api.example.com'])", [W])
    await as(test.db, serviceClaims, "select ops.unbind_secret('W_TOKEN', $1)", [W])

    const entries = await trail(W, since)
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['invite.create', u.admin],
      ['member.join', newcomer],
      ['invite.create', u.admin],
      ['invite.revoke', u.admin],
      ['member.role', u.admin],
      ['member.remove', u.admin],
      ['template.save', u.admin],
      ['template.save', u.admin],
      ['template.delete', u.admin],
      ['environment.set', u.admin],
      ['workspace.board_details', u.admin],
      ['approval.approve', u.approver],
      ['approval.reject', u.approver],
      ['run.cancel', u.operator],
      ['secret.bind', null],
      ['secret.unbind', null],
    ])
    const saves = entries.filter((e) => e.action === 'template.save')
    expect(saves.map((e) => [e.before_hash, e.after_hash])).toEqual([
      [null, sha256Hex(first)],
      [sha256Hex(first), sha256Hex(second)],
    ])
    // No other workspace's trail gained anything.
    expect(await trail(team.other, since)).toEqual([])
  })

  it('refuses to change or remove an entry, for users, the service role and the table owner', async () => {
    const W = team.workspace
    for (const claims of [team.claims('admin'), serviceClaims]) {
      for (const sql of [
        "update ops.audit_log set action = 'member.join' where workspace_id = $1",
        'delete from ops.audit_log where workspace_id = $1',
      ]) {
        const result = await attempt(test.db, claims, `${sql} returning 1`, [W])
        // A user may simply see no row to change; either way nothing changes.
        expect(result.ok ? `${result.rows.length} rows` : result.code).toMatch(claims === serviceClaims ? /^42501$/ : /^(42501|0 rows)$/)
      }
    }
    const before = await trail(W)
    for (const sql of [
      "update ops.audit_log set action = 'member.join' where workspace_id = $1",
      'delete from ops.audit_log where workspace_id = $1',
    ]) {
      await expect(test.db.query(sql, [W])).rejects.toThrow()
    }
    expect(await trail(W)).toEqual(before)
    expect(before.length).toBeGreaterThan(0)
    expect(await refusal(test.db, team.claims('admin'), 'truncate ops.audit_log')).not.toBe('allowed')
  })
})
