/**
 * Spec review under RLS, in SQL as each person of the team fixture:
 * - members (any role) read requests, decisions, required reviewers and the state;
 * - operators and up request reviews of the current version, asking members;
 * - approvers and admins decide; a viewer only when named as required reviewer or asked;
 * - admins name required reviewers;
 * - outsiders and anon read nothing and do nothing; members write no row directly;
 * - a save makes earlier approvals stale (kept), and the state says so;
 * - each change goes out once on `workspace:<id>:spec`, which only members may receive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { attempt, perform } from '../support/actors.ts'
import { ACTORS, createTeamFixture, type Person, type Team } from '../support/teams.ts'
import { topicAccess } from '../../local/realtime/topic-access.ts'

const slug = 'continue-orchestrator/prd'

interface ReviewState {
  state: string
  version: number
  approved_version: number | null
  decisions: { reviewer_id: string; decision: string; doc_version: number; summary: string; stale: boolean }[]
  requested: string[]
  required: string[]
}

describe.each(engines)('spec reviews on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  let doc: string

  const version = async () =>
    (await test.db.query<{ version: number }>('select version from ops.spec_docs where id = $1', [doc])).rows[0].version
  const request = async (who: Person | 'anon', reviewers: Person[], note: string | null = null, at?: number) =>
    perform(test.db, team.claims(who), 'select * from ops.request_spec_review($1, $2, $3, $4)', [
      doc,
      at ?? (await version()),
      reviewers.map((person) => team.users[person]),
      note,
    ])
  const decide = async (who: Person | 'anon', decision: string, summary = '', at?: number) =>
    perform(test.db, team.claims(who), 'select * from ops.decide_spec_review($1, $2, $3, $4)', [
      doc,
      at ?? (await version()),
      decision,
      summary,
    ])
  const require_ = (who: Person | 'anon', people: Person[]) =>
    perform(test.db, team.claims(who), 'select * from ops.set_spec_required_reviewers($1, $2)', [doc, people.map((p) => team.users[p])])
  const state = async (who: Person = 'viewer') =>
    (await team.as<{ s: ReviewState }>(who, 'select ops.spec_review_state($1) as s', [doc]))[0].s
  const save = async (who: Person, content: string) =>
    team.as(who, 'select version from ops.save_spec_doc($1, $2, $3, $4)', [team.workspace, slug, content, await version()])

  beforeEach(async () => {
    test = await migratedDatabase(engine)
    team = await createTeamFixture(test.db)
    const { rows } = await test.db.query<{ id: string }>('select id from ops.spec_docs where workspace_id = $1 and slug = $2', [
      team.workspace,
      slug,
    ])
    doc = rows[0].id
  })
  afterEach(() => test.drop())

  it('lets operators and up request a review from members, and refuses everyone else', async () => {
    const outcome: Record<string, string> = {}
    for (const actor of ACTORS) {
      if (actor === 'service_role') continue
      const result = await attempt(test.db, team.claims(actor), 'select id from ops.request_spec_review($1, 1, $2, null)', [
        doc,
        [team.users.viewer],
      ])
      outcome[actor] = result.ok ? 'ok' : result.code
    }
    expect(outcome).toEqual({ outsider: '42501', viewer: '42501', operator: 'ok', approver: 'ok', admin: 'ok', anon: '42501' })
    expect(await request('viewer', ['approver'])).toMatchObject({
      ok: false,
      message: 'requesting a review needs the operator role (or higher) in this workspace; you are viewer',
    })
  })

  it('refuses a request that asks an outsider, nobody, oneself, or reviews an old version', async () => {
    expect(await request('operator', ['outsider'])).toMatchObject({
      ok: false,
      code: '22023',
      message: expect.stringContaining('is not one'),
    })
    expect(await request('operator', [])).toMatchObject({
      ok: false,
      code: '22023',
      message: 'a review request needs at least one reviewer',
    })
    expect(await request('operator', ['operator'])).toMatchObject({ ok: false, code: '22023' })
    await save('operator', '# PRD v2\n')
    expect(await request('operator', ['approver'], null, 1)).toMatchObject({
      ok: false,
      code: 'PT409',
      message: 'a review request of version 1 is refused: prd.md is now at version 2',
    })
    expect(await request('operator', ['approver'], 'x'.repeat(2001))).toMatchObject({ ok: false, code: '22023' })
  })

  it('lets approvers and admins decide, a viewer only when asked or named, and nobody else', async () => {
    const outcome: Record<string, string> = {}
    for (const actor of ACTORS) {
      if (actor === 'service_role') continue
      const result = await attempt(test.db, team.claims(actor), "select id from ops.decide_spec_review($1, 1, 'approved', 'fine')", [doc])
      outcome[actor] = result.ok ? 'ok' : result.code
    }
    expect(outcome).toEqual({ outsider: '42501', viewer: '42501', operator: '42501', approver: 'ok', admin: 'ok', anon: '42501' })

    // Asked in a request, the viewer may decide.
    expect(await request('operator', ['viewer'])).toMatchObject({ ok: true })
    expect(await decide('viewer', 'changes_requested', 'FR-002 needs a limit')).toMatchObject({ ok: true })
    // Named as a required reviewer by an admin, the operator may too.
    expect(await decide('operator', 'approved')).toMatchObject({ ok: false, code: '42501' })
    expect(await require_('admin', ['operator'])).toMatchObject({ ok: true })
    expect(await decide('operator', 'approved')).toMatchObject({ ok: true })
  })

  it('refuses a decision without a known word, changes without a summary, or on an old version', async () => {
    expect(await decide('approver', 'lgtm')).toMatchObject({ ok: false, code: '22023' })
    expect(await decide('approver', 'changes_requested', '   ')).toMatchObject({
      ok: false,
      message: 'requesting changes needs a summary that says which',
    })
    await save('operator', '# PRD v2\n')
    expect(await decide('approver', 'approved', '', 1)).toMatchObject({ ok: false, code: 'PT409' })
  })

  it('lets only admins name required reviewers, and only members', async () => {
    const outcome: Record<string, string> = {}
    for (const actor of ACTORS) {
      if (actor === 'service_role') continue
      const result = await attempt(test.db, team.claims(actor), 'select * from ops.set_spec_required_reviewers($1, $2)', [
        doc,
        [team.users.viewer],
      ])
      outcome[actor] = result.ok ? 'ok' : result.code
    }
    expect(outcome).toEqual({ outsider: '42501', viewer: '42501', operator: '42501', approver: '42501', admin: 'ok', anon: '42501' })
    expect(await require_('admin', ['outsider'])).toMatchObject({ ok: false, code: '22023' })
    expect(await require_('admin', ['viewer', 'approver'])).toMatchObject({ ok: true, rows: [{}, {}] })
    expect(await require_('admin', ['approver'])).toMatchObject({ ok: true, rows: [{ user_id: team.users.approver }] })
  })

  it('shows members every row and the state, and outsiders and anon nothing', async () => {
    await request('operator', ['approver'], 'Please look at FR-002')
    await decide('approver', 'approved', 'Looks right')
    await require_('admin', ['approver'])
    const tables = ['spec_review_requests', 'spec_review_decisions', 'spec_required_reviewers']
    for (const person of ['viewer', 'operator', 'approver', 'admin'] as const) {
      for (const table of tables)
        expect({ person, table, n: (await team.as(person, `select * from ops.${table}`)).length }).toEqual({ person, table, n: 1 })
    }
    for (const table of tables) {
      expect({ table, rows: await team.as('outsider', `select * from ops.${table}`) }).toEqual({ table, rows: [] })
      expect({ table, ...(await attempt(test.db, team.claims('anon'), `select * from ops.${table}`)) }).toMatchObject({
        table,
        ok: false,
        code: '42501',
      })
    }
    expect(await attempt(test.db, team.claims('outsider'), 'select ops.spec_review_state($1)', [doc])).toMatchObject({
      ok: false,
      code: 'PT404',
    })
    expect(await attempt(test.db, team.claims('anon'), 'select ops.spec_review_state($1)', [doc])).toMatchObject({
      ok: false,
      code: '42501',
    })
  })

  it('refuses members who write review rows directly', async () => {
    for (const sql of [
      `insert into ops.spec_review_decisions (workspace_id, doc_id, doc_version, reviewer_id, decision) values ('${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}', $1, 1, null, 'approved')`,
      'delete from ops.spec_review_decisions where doc_id = $1',
      'update ops.spec_review_requests set doc_version = 9 where doc_id = $1',
      'insert into ops.spec_required_reviewers (doc_id, user_id) values ($1, auth.uid())',
    ]) {
      expect({ sql: sql.slice(0, 40), ...(await attempt(test.db, team.claims('admin'), sql, [doc])) }).toMatchObject({
        ok: false,
        code: '42501',
      })
    }
  })

  it('reads in review, changes requested, approved, and changed since approval after a save, keeping stale approvals', async () => {
    expect(await state()).toMatchObject({
      state: 'not_requested',
      version: 1,
      approved_version: null,
      decisions: [],
      requested: [],
      required: [],
    })
    await request('operator', ['approver', 'viewer'])
    expect(await state()).toMatchObject({ state: 'in_review', requested: expect.arrayContaining([team.users.approver, team.users.viewer]) })
    await decide('approver', 'changes_requested', 'FR-002 needs a limit')
    expect(await state()).toMatchObject({ state: 'changes_requested' })
    // The author edits: the request for changes is about the old text now; the review goes on.
    await save('operator', '# PRD v2 with a limit\n')
    expect(await state()).toMatchObject({ state: 'in_review', version: 2, decisions: [{ decision: 'changes_requested', stale: true }] })
    await decide('approver', 'approved', 'Thanks')
    expect(await state()).toMatchObject({ state: 'approved', version: 2, approved_version: 2 })

    // A new revision: the approval turns stale and stays in the history.
    await save('operator', '# PRD v3\n')
    const after = await state()
    expect(after).toMatchObject({ state: 'changed_since_approval', version: 3, approved_version: 2 })
    expect(after.decisions.map((d) => [d.decision, d.doc_version, d.stale])).toEqual([
      ['approved', 2, true],
      ['changes_requested', 1, true],
    ])
    // Asking again puts it back in review.
    await request('operator', ['approver'])
    expect(await state()).toMatchObject({ state: 'in_review' })
  })

  it('needs every required reviewer’s approval before it reads approved', async () => {
    await require_('admin', ['viewer'])
    await decide('approver', 'approved', 'ok')
    expect(await state()).toMatchObject({ state: 'in_review', required: [team.users.viewer] })
    await decide('viewer', 'approved', 'ok too')
    expect(await state()).toMatchObject({ state: 'approved', approved_version: 1 })
    // A required reviewer who leaves the workspace no longer holds the document up.
    await require_('admin', ['viewer', 'operator'])
    expect(await state()).toMatchObject({ state: 'in_review' })
    await team.as('admin', 'select ops.remove_member($1, $2)', [team.workspace, team.users.operator])
    expect(await state()).toMatchObject({ state: 'approved', required: [team.users.viewer] })
    // A later change request by the same reviewer replaces their approval.
    await decide('viewer', 'changes_requested', 'on second thought, SC-001')
    expect(await state()).toMatchObject({ state: 'changes_requested' })
  })

  it('sends each change once on the workspace’s spec topic, which only members receive', async () => {
    await request('operator', ['approver'])
    await decide('approver', 'approved', 'ok')
    await save('operator', '# PRD v2\n')
    await require_('admin', ['approver'])
    const { rows } = await test.db.query<{ event: string; payload: { doc_id: string }; private: boolean }>(
      'select event, payload, private from realtime.messages where topic = $1 and payload is not null order by inserted_at',
      [`workspace:${team.workspace}:spec`],
    )
    expect(rows).toMatchObject(Array.from({ length: 4 }, () => ({ event: 'review', payload: { doc_id: doc }, private: true })))

    const outcome: Record<string, { read: boolean; write: boolean }> = {}
    for (const actor of ACTORS) outcome[actor] = await topicAccess(test.db, team.claims(actor), `workspace:${team.workspace}:spec`)
    expect(outcome).toEqual({
      outsider: { read: false, write: false },
      viewer: { read: true, write: false },
      operator: { read: true, write: false },
      approver: { read: true, write: false },
      admin: { read: true, write: false },
      anon: { read: false, write: false },
      service_role: { read: true, write: true },
    })
    for (const topic of [`workspace:${team.other}:spec`, `workspace:${team.workspace}:spec `, 'workspace:%:spec']) {
      expect({ topic, ...(await topicAccess(test.db, team.claims('admin'), topic)) }).toEqual({ topic, read: false, write: false })
    }
  })

  it('keeps hostile text as text', async () => {
    const hostile = '<img src=x onerror=alert(1)> ${{ secrets.TOKEN }}'
    await request('operator', ['approver'], hostile)
    await decide('approver', 'changes_requested', hostile)
    const { rows } = await test.db.query<{ note: string; summary: string }>(
      'select q.note, x.summary from ops.spec_review_requests q, ops.spec_review_decisions x where q.doc_id = $1 and x.doc_id = $1',
      [doc],
    )
    expect(rows).toEqual([{ note: hostile, summary: hostile }])
    expect(await decide('approver', 'approved', 'x'.repeat(5001))).toMatchObject({ ok: false, code: '22023' })
  })
})
