/**
 * Comments on Spec Kit documents under row-level security, in SQL as each actor:
 * - every member (viewer and up) reads, adds, replies, resolves and reopens; only the author edits;
 * - outsiders and anon read nothing and write nothing, and outsiders learn nothing of the document;
 * - hostile input (empty, oversized, HTML, `${{ … }}`, a stranger mentioned, a reply to a reply or
 *   to another document's thread) gets a clear error, or is kept as the plain text it is;
 * - each change goes out once on `workspace:<id>:spec`, which only members may join and nobody sends on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { attempt, perform } from '../support/actors.ts'
import { ACTORS, createTeamFixture, refusal, type Team } from '../support/teams.ts'
import { topicAccess } from '../../local/realtime/topic-access.ts'

interface Comment {
  id: string
  workspace_id: string
  doc_id: string
  thread_id: string | null
  anchor_key: string | null
  body: string
  mentions: string[]
  author_id: string | null
  resolved_at: string | null
  resolved_by: string | null
  edited_at: string | null
}

const ADD =
  'select * from ops.add_spec_comment(p_doc_id => $1, p_body => $2, p_doc_version => 1, p_anchor_key => $3, p_thread_id => $4, p_mentions => $5)'

describe.each(engines)('spec comments on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  let doc: string
  let otherDoc: string
  let theirDoc: string
  let thread: Comment

  const add = (
    actor: (typeof ACTORS)[number],
    body: string,
    anchor: string | null = 'FR-003',
    threadId: string | null = null,
    mentions: string[] = [],
  ) => perform(test.db, team.claims(actor), ADD, [doc, body, anchor, threadId, mentions])

  beforeAll(async () => {
    test = await migratedDatabase(engine)
    team = await createTeamFixture(test.db)
    const docs = async (workspace: string) =>
      (await test.db.query<{ id: string }>('select id from ops.spec_docs where workspace_id = $1 order by slug', [workspace])).rows.map(
        (r) => r.id,
      )
    ;[doc, otherDoc] = await docs(team.workspace)
    ;[theirDoc] = await docs(team.other)
    const [row] = await team.as<Comment>('operator', ADD, [doc, 'Is 200 ms the right budget?', 'FR-003', null, []])
    thread = row
  })
  afterAll(() => test.drop())

  it('lets every member comment, and records the document’s workspace, the author and the thread', async () => {
    for (const actor of ['viewer', 'operator', 'approver', 'admin'] as const) {
      const result = await add(actor, `from the ${actor}`, null, thread.id)
      expect(result).toMatchObject({
        ok: true,
        rows: [{ workspace_id: team.workspace, author_id: team.users[actor], thread_id: thread.id }],
      })
    }
    expect(thread).toMatchObject({ workspace_id: team.workspace, doc_id: doc, anchor_key: 'FR-003', author_id: team.users.operator })
  })

  it('shows members the comments and outsiders and anon nothing, by SQL', async () => {
    const seen: Record<string, unknown> = {}
    for (const actor of ACTORS) {
      const result = await attempt(test.db, team.claims(actor), 'select count(*)::int as n from ops.spec_comments where doc_id = $1', [doc])
      seen[actor] = result.ok ? result.rows[0].n : result.code
    }
    const count = Number(
      (await test.db.query<{ n: number }>('select count(*)::int as n from ops.spec_comments where doc_id = $1', [doc])).rows[0].n,
    )
    expect(count).toBeGreaterThan(0)
    expect(seen).toEqual({
      outsider: 0,
      viewer: count,
      operator: count,
      approver: count,
      admin: count,
      anon: '42501',
      service_role: count,
    })
  })

  it('refuses outsiders and anon every write, saying nothing about the document', async () => {
    expect(await refusal(test.db, team.claims('outsider'), ADD, [doc, 'let me in', 'FR-003', null, []])).toEqual({
      code: 'PT404',
      message: `spec doc ${doc} does not exist in your workspaces`,
    })
    // The same answer as for a document that does not exist at all.
    const missing = '00000000-0000-4000-8000-000000000000'
    expect(await refusal(test.db, team.claims('outsider'), ADD, [missing, 'x', null, null, []])).toMatchObject({ code: 'PT404' })
    expect(await refusal(test.db, team.claims('anon'), ADD, [doc, 'x', null, null, []])).toMatchObject({ code: '42501' })
    for (const sql of ['select ops.edit_spec_comment($1, $2, $3)', 'select ops.set_spec_thread_resolved($1, true)']) {
      const params = sql.includes('edit') ? [thread.id, 'hijacked', []] : [thread.id]
      expect(await refusal(test.db, team.claims('outsider'), sql, params)).toMatchObject({ code: 'PT404' })
      expect(await refusal(test.db, team.claims('anon'), sql, params)).toMatchObject({ code: '42501' })
    }
    // Direct writes: no grant for anyone but the service role.
    for (const actor of ['outsider', 'viewer', 'admin', 'anon'] as const) {
      for (const sql of [
        "insert into ops.spec_comments (workspace_id, doc_id, doc_version, body) values ($1, $2, 1, 'direct')",
        "update ops.spec_comments set body = 'direct' where workspace_id = $1 and doc_id = $2",
        'delete from ops.spec_comments where workspace_id = $1 and doc_id = $2',
      ]) {
        expect(await attempt(test.db, team.claims(actor), sql, [team.workspace, doc])).toMatchObject({ ok: false, code: '42501' })
      }
    }
    expect((await test.db.query('select 1 from ops.spec_comments where body in ($1, $2)', ['hijacked', 'direct'])).rows).toEqual([])
  })

  it('lets only the author edit, and marks the edit', async () => {
    expect(
      await refusal(test.db, team.claims('admin'), 'select ops.edit_spec_comment($1, $2, $3)', [thread.id, 'admin rewrite', []]),
    ).toEqual({
      code: '42501',
      message: 'only its author edits a comment',
    })
    const edited = await perform(test.db, team.claims('operator'), 'select * from ops.edit_spec_comment($1, $2, $3)', [
      thread.id,
      'Is 200 ms right? @viewer',
      [team.users.viewer],
    ])
    expect(edited).toMatchObject({
      ok: true,
      rows: [{ body: 'Is 200 ms right? @viewer', mentions: [team.users.viewer], edited_at: expect.anything() }],
    })
  })

  it('lets any member resolve and reopen a thread, through its first comment only', async () => {
    const resolved = await perform(test.db, team.claims('viewer'), 'select * from ops.set_spec_thread_resolved($1, true)', [thread.id])
    expect(resolved).toMatchObject({ ok: true, rows: [{ resolved_by: team.users.viewer, resolved_at: expect.anything() }] })
    const reopened = await perform(test.db, team.claims('approver'), 'select * from ops.set_spec_thread_resolved($1, false)', [thread.id])
    expect(reopened).toMatchObject({ ok: true, rows: [{ resolved_by: null, resolved_at: null }] })
    const [reply] = await team.as<Comment>('viewer', ADD, [doc, 'a reply', null, thread.id, []])
    expect(await refusal(test.db, team.claims('viewer'), 'select ops.set_spec_thread_resolved($1, true)', [reply.id])).toEqual({
      code: '22023',
      message: `resolve the thread through its first comment (${thread.id})`,
    })
  })

  it('refuses hostile input with a clear error and keeps markup as plain text', async () => {
    const cases: Array<[string, unknown[], string]> = [
      ['empty', [doc, '   ', null, null, []], 'a comment needs some text'],
      ['oversized', [doc, 'x'.repeat(10_001), null, null, []], 'a comment is at most 10,000 characters; this one has 10001'],
      [
        'stranger',
        [doc, 'hi', null, null, [team.users.outsider]],
        `you can only mention members of this workspace; ${team.users.outsider} is not one`,
      ],
      ['other doc', [otherDoc, 'reply', null, thread.id, []], `thread ${thread.id} is not on spec doc`],
      ['their doc', [theirDoc, 'x', null, null, []], `spec doc ${theirDoc} does not exist in your workspaces`],
      ['anchor', [doc, 'x', 'k'.repeat(201), null, []], 'an anchor key is 1 to 200 characters'],
    ]
    for (const [name, params, message] of cases) {
      const outcome = await refusal(test.db, team.claims('viewer'), ADD, params)
      expect({ name, message: outcome === 'allowed' ? outcome : outcome.message.slice(0, message.length) }).toEqual({ name, message })
    }
    const [reply] = await team.as<Comment>('viewer', ADD, [doc, 'first reply', null, thread.id, []])
    expect(await refusal(test.db, team.claims('viewer'), ADD, [doc, 'nested', null, reply.id, []])).toEqual({
      code: '22023',
      message: `reply to the thread's first comment (${thread.id}), not to a reply`,
    })
    expect(await refusal(test.db, team.claims('viewer'), 'select ops.add_spec_comment($1, $2, 99)', [doc, 'future'])).toMatchObject({
      code: '22023',
    })
    const withSource = 'select ops.add_spec_comment(p_doc_id => $1, p_body => $2, p_doc_version => 1, p_source => $3::jsonb)'
    expect(await refusal(test.db, team.claims('viewer'), withSource, [doc, 'x', '["sticky"]'])).toEqual({
      code: '22023',
      message: "a comment's source is a JSON object",
    })
    const nested = JSON.stringify({ kind: 'sticky', deep: JSON.parse('['.repeat(500) + ']'.repeat(500)), pad: 'x'.repeat(5000) })
    expect(await refusal(test.db, team.claims('viewer'), withSource, [doc, 'x', nested])).toMatchObject({
      code: '22023',
      message: expect.stringMatching(/^a comment's source is at most 4,000 bytes of JSON; this one has \d+$/),
    })
    const hostile = '<img src=x onerror=alert(1)> ${{ secrets.TOKEN }} <script>alert(1)</script>'
    const [kept] = await team.as<Comment>('viewer', ADD, [doc, hostile, 'FR-001', null, [team.users.admin, team.users.admin]])
    expect(kept).toMatchObject({ body: hostile, mentions: [team.users.admin] })
  })

  it('lets only members join the workspace’s spec topic, and nobody send on it', async () => {
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
    for (const topic of [
      `workspace:${team.other}:spec`,
      `workspace:${team.workspace}:spec `,
      `workspace:${team.workspace}`,
      'workspace:%:spec',
    ]) {
      expect({ topic, ...(await topicAccess(test.db, team.claims('admin'), topic)) }).toEqual({ topic, read: false, write: false })
    }
  })

  it('sends each change once on the workspace’s spec topic, and a deleted document’s comments as deleted', async () => {
    const [root] = await team.as<Comment>('approver', ADD, [otherDoc, 'on the plan', 'h:summary', null, []])
    await team.as('approver', 'select ops.set_spec_thread_resolved($1, true)', [root.id])
    await test.db.query('delete from ops.spec_docs where id = $1', [otherDoc])
    const { rows } = await test.db.query<{ event: string; payload: { id: string; resolved_at?: string | null } }>(
      "select event, payload from realtime.messages where topic = $1 and payload->>'id' = $2 order by inserted_at",
      [`workspace:${team.workspace}:spec`, root.id],
    )
    expect(
      rows.map((m) => [m.event, m.payload.resolved_at === undefined ? 'gone' : m.payload.resolved_at === null ? 'open' : 'resolved']),
    ).toEqual([
      ['comment', 'open'],
      ['comment', 'resolved'],
      ['comment_deleted', 'gone'],
    ])
  })
})
