/**
 * The row-level security matrix of people alone: anon, user A and user B (each only in their
 * personal workspace) and the service role, against the run, template and document tables and
 * every operation. The team roles have their own matrix (teams-permissions.test.ts). Each attempt runs in its own transaction and is rolled back, so the
 * fixture is shared and the cases do not depend on each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JwtClaims } from '../../local/db/database.ts'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { anonClaims, attempt, createUser, serviceClaims, userClaims } from '../support/actors.ts'
import { insertRun } from '../support/runs.ts'

type Who = 'anon' | 'A' | 'B' | 'service'
/** 'denied' = refused with 42501; a list = exactly these labels returned; a number = rows affected. */
type Expectation = 'denied' | string[] | number

interface Case {
  who: Who
  table: string
  op: 'select' | 'insert' | 'update' | 'delete'
  sql: string
  expect: Expectation
  note?: string
}

interface Fixture {
  users: Record<'A' | 'B', string>
  runs: Record<'aQueued' | 'aDone' | 'bQueued', string>
}

const who: Who[] = ['anon', 'A', 'B', 'service']
const TEMPLATES = ['deploy-web', 'incident-open']
const DOCS = ['constitution.md', 'plan.md', 'prd.md', 'tasks.md']

// SQL templates: {A}, {B} are user ids, {aQueued}, {aDone}, {bQueued} run ids.
const selectLabels: Record<string, string> = {
  runs: 'select title as label from ops.runs',
  run_events: 'select message as label from ops.run_events',
  artifacts: 'select title as label from ops.artifacts',
  run_templates: 'select slug as label from ops.run_templates',
  spec_docs: 'select title as label from ops.spec_docs',
  spec_doc_revisions: 'select title as label from ops.spec_doc_revisions',
}

const cases: Case[] = [
  // ops.runs
  ...who.map((w): Case => ({
    who: w,
    table: 'runs',
    op: 'select',
    sql: selectLabels.runs,
    expect: { anon: 'denied' as const, A: ['A done', 'A queued'], B: ['B queued'], service: ['A done', 'A queued', 'B queued'] }[w],
  })),
  { who: 'anon', table: 'runs', op: 'insert', sql: "insert into ops.runs (title) values ('x') returning id", expect: 'denied' },
  {
    who: 'A',
    table: 'runs',
    op: 'insert',
    sql: "insert into ops.runs (template_slug, title) values ('deploy-web', 'new') returning title as label",
    expect: ['new'],
    note: 'created_by defaults to the caller',
  },
  {
    who: 'A',
    table: 'runs',
    op: 'insert',
    sql: "insert into ops.runs (created_by, title) values ('{B}', 'for B') returning id",
    expect: 'denied',
    note: 'a run for someone else',
  },
  {
    who: 'A',
    table: 'runs',
    op: 'insert',
    sql: "insert into ops.runs (title, status) values ('sneaky', 'success') returning id",
    expect: 'denied',
    note: 'executor columns on insert',
  },
  {
    who: 'service',
    table: 'runs',
    op: 'insert',
    sql: "insert into ops.runs (created_by, title) values ('{B}', 'by service') returning title as label",
    expect: ['by service'],
  },
  { who: 'anon', table: 'runs', op: 'update', sql: "update ops.runs set title = 'x'", expect: 'denied' },
  { who: 'A', table: 'runs', op: 'update', sql: "update ops.runs set title = 'renamed' where id = '{aQueued}'", expect: 1 },
  {
    who: 'A',
    table: 'runs',
    op: 'update',
    sql: "update ops.runs set title = 'renamed' where id = '{bQueued}'",
    expect: 0,
    note: "B's run is invisible to A",
  },
  {
    who: 'A',
    table: 'runs',
    op: 'update',
    sql: "update ops.runs set status = 'success', finished_at = now() where id = '{aQueued}'",
    expect: 'denied',
    note: 'status belongs to the executor',
  },
  {
    who: 'A',
    table: 'runs',
    op: 'update',
    sql: "update ops.runs set created_by = '{B}' where id = '{aQueued}'",
    expect: 'denied',
    note: 'giving a run away',
  },
  { who: 'B', table: 'runs', op: 'update', sql: "update ops.runs set title = 'renamed'", expect: 1 },
  { who: 'service', table: 'runs', op: 'update', sql: "update ops.runs set title = 'renamed'", expect: 3 },
  { who: 'anon', table: 'runs', op: 'delete', sql: 'delete from ops.runs', expect: 'denied' },
  { who: 'A', table: 'runs', op: 'delete', sql: 'delete from ops.runs', expect: 1, note: 'only its finished run' },
  { who: 'B', table: 'runs', op: 'delete', sql: 'delete from ops.runs', expect: 0, note: 'its only run is still queued' },
  { who: 'service', table: 'runs', op: 'delete', sql: 'delete from ops.runs', expect: 3 },

  // ops.run_events: read your own, nobody writes directly, nobody changes them
  ...who.map((w): Case => ({
    who: w,
    table: 'run_events',
    op: 'select',
    sql: selectLabels.run_events,
    expect: { anon: 'denied' as const, A: ['A event'], B: ['B event'], service: ['A event', 'B event'] }[w],
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'run_events',
    op: 'insert',
    sql: "insert into ops.run_events (run_id, seq, message) values ('{aQueued}', 99, 'forged')",
    expect: 'denied',
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'run_events',
    op: 'update',
    sql: "update ops.run_events set message = 'edited'",
    expect: 'denied',
  })),
  ...who.map((w): Case => ({ who: w, table: 'run_events', op: 'delete', sql: 'delete from ops.run_events', expect: 'denied' })),

  // ops.artifacts: read your own, only the service role adds, nobody changes them
  ...who.map((w): Case => ({
    who: w,
    table: 'artifacts',
    op: 'select',
    sql: selectLabels.artifacts,
    expect: { anon: 'denied' as const, A: ['A artifact'], B: ['B artifact'], service: ['A artifact', 'B artifact'] }[w],
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'artifacts',
    op: 'insert',
    sql: "insert into ops.artifacts (run_id, kind, title, url) values ('{aQueued}', 'link', 'added', 'https://example.com') returning title as label",
    expect: w === 'service' ? ['added'] : 'denied',
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'artifacts',
    op: 'update',
    sql: "update ops.artifacts set title = 'edited'",
    expect: 'denied',
  })),
  ...who.map((w): Case => ({ who: w, table: 'artifacts', op: 'delete', sql: 'delete from ops.artifacts', expect: 'denied' })),

  // ops.run_templates: each personal workspace has its own copies (Shared has the originals);
  // users change templates only through ops.save_template, so no direct writes at all
  ...who.map((w): Case => ({
    who: w,
    table: 'run_templates',
    op: 'select',
    sql: selectLabels.run_templates,
    expect: { anon: 'denied' as const, A: TEMPLATES, B: TEMPLATES, service: [...TEMPLATES, ...TEMPLATES, ...TEMPLATES].sort() }[w],
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'run_templates',
    op: 'insert',
    sql: "insert into ops.run_templates (workspace_id, slug, kind, title, template_yaml) select id, 'mine', 'custom', 'Mine', 'version: 1' from ops.workspaces where personal_for = '{A}' returning slug as label",
    expect: w === 'service' ? ['mine'] : 'denied',
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'run_templates',
    op: 'update',
    sql: "update ops.run_templates set description = 'edited'",
    expect: w === 'service' ? 6 : 'denied',
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'run_templates',
    op: 'delete',
    sql: "delete from ops.run_templates where slug = 'incident-open'",
    expect: w === 'service' ? 3 : 'denied',
  })),

  // ops.spec_docs: per workspace; operators add and edit; edits keep revisions; nobody deletes
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_docs',
    op: 'select',
    sql: selectLabels.spec_docs,
    expect: { anon: 'denied' as const, A: DOCS, B: DOCS, service: [...DOCS, ...DOCS, ...DOCS].sort() }[w],
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_docs',
    op: 'insert',
    sql: "insert into ops.spec_docs (workspace_id, slug, title, content) select id, 'notes/new', 'new.md', '# New' from ops.workspaces where personal_for = '{A}' returning title as label",
    // B cannot see A's workspace, so B's insert selects no workspace and adds nothing.
    expect: { anon: 'denied' as const, A: ['new.md'], B: [], service: ['new.md'] }[w],
  })),
  {
    who: 'B',
    table: 'spec_docs',
    op: 'insert',
    sql: "insert into ops.spec_docs (workspace_id, slug, title, content) values ((select workspace_id from ops.runs where id = '{aQueued}'), 'notes/new', 'new.md', '# New') returning title as label",
    expect: 'denied',
    note: "into A's workspace by id",
  },
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_docs',
    op: 'update',
    sql: "update ops.spec_docs set content = 'edited' where slug = 'continue-orchestrator/prd'",
    expect: w === 'anon' ? 'denied' : w === 'service' ? 3 : 1,
  })),
  ...who.map((w): Case => ({ who: w, table: 'spec_docs', op: 'delete', sql: 'delete from ops.spec_docs', expect: 'denied' })),

  // ops.spec_doc_revisions: readable history, written only by the revision trigger
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_doc_revisions',
    op: 'select',
    sql: selectLabels.spec_doc_revisions,
    expect: { anon: 'denied' as const, A: ['prd.md'], B: ['prd.md'], service: ['prd.md', 'prd.md', 'prd.md'] }[w],
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_doc_revisions',
    op: 'insert',
    sql: "insert into ops.spec_doc_revisions (doc_id, version, title, content, saved_at) select id, 99, title, 'forged', now() from ops.spec_docs limit 1",
    expect: 'denied',
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_doc_revisions',
    op: 'update',
    sql: "update ops.spec_doc_revisions set content = 'x'",
    expect: 'denied',
  })),
  ...who.map((w): Case => ({
    who: w,
    table: 'spec_doc_revisions',
    op: 'delete',
    sql: 'delete from ops.spec_doc_revisions',
    expect: 'denied',
  })),
]

describe.each(engines)('row-level security on %s', (engine) => {
  let test: TestDatabase
  let fixture: Fixture
  const claims = (w: Who): JwtClaims => (w === 'anon' ? anonClaims : w === 'service' ? serviceClaims : userClaims(fixture.users[w]))

  beforeAll(async () => {
    test = await migratedDatabase(engine)
    const db = test.db
    const users = { A: await createUser(db, 'a@example.com'), B: await createUser(db, 'b@example.com') }
    const runs = {
      aQueued: await insertRun(db, users.A, { title: 'A queued' }),
      aDone: await insertRun(db, users.A, { title: 'A done', status: 'success' }),
      bQueued: await insertRun(db, users.B, { title: 'B queued' }),
    }
    for (const [run, owner] of [
      [runs.aQueued, 'A'],
      [runs.bQueued, 'B'],
    ] as const) {
      await db.query('insert into ops.run_events (run_id, seq, message) values ($1, 1, $2)', [run, `${owner} event`])
      await db.query("insert into ops.artifacts (run_id, kind, title, url) values ($1, 'link', $2, 'https://example.com')", [
        run,
        `${owner} artifact`,
      ])
    }
    await db.query("update ops.spec_docs set content = content || ' ' where slug = 'continue-orchestrator/prd'")
    fixture = { users, runs }
  })
  afterAll(() => test.drop())

  const fill = (sql: string) =>
    sql.replace(/\{(\w+)\}/g, (_, key: string) =>
      key in fixture.users ? fixture.users[key as 'A' | 'B'] : fixture.runs[key as keyof Fixture['runs']],
    )

  it.each(cases.map((c) => [`${c.who} ${c.op} ${c.table}${c.note ? ` (${c.note})` : ''}`, c] as const))('%s', async (_, c) => {
    const result = await attempt(test.db, claims(c.who), fill(c.sql))
    if (c.expect === 'denied') {
      expect(result.ok ? `allowed, returned ${JSON.stringify(result.rows)}` : result.code).toBe('42501')
    } else if (Array.isArray(c.expect)) {
      expect(result.ok ? result.rows.map((row) => String(row.label)).sort() : `refused: ${result.message}`).toEqual(c.expect)
    } else {
      // Count affected rows by re-running with RETURNING.
      const counted = await attempt(test.db, claims(c.who), `${fill(c.sql)} returning 1`)
      expect(counted.ok ? counted.rows.length : `refused: ${counted.message}`).toBe(c.expect)
    }
  })

  it('names the protected column when a user changes it', async () => {
    const result = await attempt(
      test.db,
      claims('A'),
      fill("update ops.runs set status = 'success', finished_at = now() where id = '{aQueued}'"),
    )
    expect(result).toMatchObject({ ok: false, code: '42501', message: 'ops.runs.finished_at, status cannot be changed by users' })
  })

  it.each([
    ['anon', 'claim_run', "select * from ops.claim_run('w')"],
    ['A', 'claim_run', "select * from ops.claim_run('w')"],
    ['A', 'append_run_events', "select ops.append_run_events('{aQueued}', 'w', '[]')"],
    [
      'A',
      'record_step_with_events',
      "select * from ops.record_step_with_events('{aQueued}', 'w', 's', jsonb_build_object('status', 'running'))",
    ],
    [
      'anon',
      'record_step_with_events',
      "select * from ops.record_step_with_events('{aQueued}', 'w', 's', jsonb_build_object('status', 'running'))",
    ],
    ['A', 'finish_run', "select ops.finish_run('{aQueued}', 'w', 'success', 'done')"],
    ['anon', 'request_cancel', "select ops.request_cancel('{aQueued}')"],
    ['anon', 'save_spec_doc', "select ops.save_spec_doc(gen_random_uuid(), 'continue-orchestrator/prd', 'x', 1)"],
  ] as const)('%s cannot call %s', async (w, _fn, sql) => {
    const result = await attempt(test.db, claims(w), fill(sql))
    expect(result.ok ? 'allowed' : result.code).toBe('42501')
  })
})
