/**
 * Spec Kit documents and proposals in SQL, in a workspace with one member per role and an outsider:
 * - every member reads documents (archived ones too) and proposals; outsiders and anon nothing;
 * - operators and up add (from a template or blank), rename, archive and restore documents, and
 *   apply or dismiss proposals; viewers are told which role it takes; outsiders that it does not exist;
 * - only the executor (service role, holding the run's lease) writes proposals;
 * - applying makes a revision saved by the person and credited to the run; a document changed since
 *   the proposal takes the change when it still applies, and refuses it clearly when not;
 * - kind, archive state and run credit cannot be set by a plain UPDATE or INSERT.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { topicAccess } from '../../local/realtime/topic-access.ts'
import { as, attempt, serviceClaims } from '../support/actors.ts'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { ACTORS, createTeamFixture, refusal, startRun, type Team } from '../support/teams.ts'

const templateDir = new URL('../../spec/templates/', import.meta.url)

interface Doc {
  id: string
  slug: string
  title: string
  kind: string
  content: string
  version: number
  archived_at: string | null
  updated_by: string | null
  from_run_id: string | null
}

interface Proposal {
  id: string
  doc_id: string
  run_id: string
  status: string
  base_version: number
  decided_by: string | null
  applied_version: number | null
}

describe.each(engines)('Spec Kit documents and proposals on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  let tasks: Doc

  beforeAll(async () => {
    test = await migratedDatabase(engine)
    team = await createTeamFixture(test.db)
    tasks = await docBySlug('continue-orchestrator/tasks')
  })
  afterAll(() => test.drop())

  async function docBySlug(slug: string, workspace = team.workspace): Promise<Doc> {
    const { rows } = await test.db.query<Doc>('select * from ops.spec_docs where workspace_id = $1 and slug = $2', [workspace, slug])
    return rows[0]
  }
  async function docById(id: string): Promise<Doc> {
    return (await test.db.query<Doc>('select * from ops.spec_docs where id = $1', [id])).rows[0]
  }
  const create = (actor: Parameters<Team['claims']>[0], kind: string, title: string) =>
    refusal(test.db, team.claims(actor), 'select ops.create_spec_doc($1, $2, $3)', [team.workspace, kind, title])

  /** A run of W's operator whose spec step proposes `change` to the document `slug`, recorded as the executor does. */
  async function propose(slug: string, change: { append: string } | { replace: { find: string; with: string } }): Promise<Proposal> {
    const doc = await docBySlug(slug)
    const run = await startRun(test.db, team.workspace, team.users.operator)
    await as(test.db, serviceClaims, "select id from ops.claim_run('docs-test', $1)", [run])
    const proposed =
      'append' in change
        ? `${doc.content.endsWith('\n') ? doc.content : `${doc.content}\n`}${change.append}\n`
        : doc.content.replace(change.replace.find, change.replace.with)
    const [row] = await as<Proposal>(test.db, serviceClaims, "select * from ops.add_spec_proposal($1, 'docs-test', $2::jsonb)", [
      run,
      JSON.stringify({ step_id: 'propose', doc: slug, base_version: doc.version, proposed_content: proposed, diff: '+change', change }),
    ])
    // Finished, so the workspace's fair-queue share is free for the next run.
    await as(test.db, serviceClaims, "select id from ops.finish_run($1, 'docs-test', 'success', 'proposed', null)", [run])
    return row
  }

  it('gives the seeded and starter documents their kind from their slug, and new workspaces too', async () => {
    const { rows } = await test.db.query<{ slug: string; kind: string }>(
      'select slug, kind from ops.spec_docs where workspace_id = $1 order by slug',
      [team.workspace],
    )
    expect(rows).toEqual([
      { slug: 'continue-orchestrator/constitution', kind: 'constitution' },
      { slug: 'continue-orchestrator/plan', kind: 'plan' },
      { slug: 'continue-orchestrator/prd', kind: 'spec' },
      { slug: 'continue-orchestrator/tasks', kind: 'tasks' },
    ])
    const { rows: shared } = await test.db.query<{ n: number }>("select count(*)::int as n from ops.spec_docs where kind = 'other'")
    expect(shared[0].n).toBe(0)
  })

  it('starts a document from each template, equal to the files in spec/templates, or blank', async () => {
    for (const kind of ['constitution', 'spec', 'plan', 'tasks'] as const) {
      const [doc] = await team.as<Doc>('operator', 'select * from ops.create_spec_doc($1, $2, $3)', [
        team.workspace,
        kind,
        `Checkout ${kind}`,
      ])
      expect(doc).toMatchObject({ slug: `checkout-${kind}`, title: `Checkout ${kind}`, kind, version: 1, updated_by: team.users.operator })
      expect(doc.content).toBe(await readFile(new URL(`${kind}.md`, templateDir), 'utf8'))
    }
    const [blank] = await team.as<Doc>('admin', 'select * from ops.create_spec_doc($1, $2, $3)', [team.workspace, 'other', 'Notes'])
    expect(blank).toMatchObject({ slug: 'notes', kind: 'other', content: '' })
  })

  it('makes slugs from titles, unique in the workspace, and keeps them on rename', async () => {
    const made: string[] = []
    for (const title of ['  Release   plan!  ', 'Release plan', 'RELEASE PLAN', 'Привет', '<b>x</b>']) {
      const [doc] = await team.as<Doc>('operator', "select * from ops.create_spec_doc($1, 'plan', $2)", [team.workspace, title])
      made.push(`${doc.slug} | ${doc.title}`)
    }
    expect(made).toEqual([
      'release-plan | Release   plan!',
      'release-plan-2 | Release plan',
      'release-plan-3 | RELEASE PLAN',
      'plan | Привет',
      'b-x-b | <b>x</b>',
    ])
    const doc = await docBySlug('release-plan')
    const [renamed] = await team.as<Doc>('operator', 'select * from ops.rename_spec_doc($1, $2)', [doc.id, 'Launch plan'])
    expect(renamed).toMatchObject({ slug: 'release-plan', title: 'Launch plan', version: 2 })
  })

  it('refuses bad titles and unknown templates with clear errors', async () => {
    expect(await create('operator', 'spec', '   ')).toEqual({ code: '22023', message: 'a document needs a title (1 to 200 characters)' })
    expect(await create('operator', 'spec', 'x'.repeat(201))).toEqual({
      code: '22023',
      message: 'a document title holds at most 200 characters; this one has 201',
    })
    expect(await create('operator', 'spec', 'two\nlines')).toEqual({
      code: '22023',
      message: 'a document title is one line of text, without line breaks or control characters',
    })
    expect(await create('operator', 'readme', 'Readme')).toEqual({
      code: '22023',
      message: 'a document starts from the constitution, spec, plan or tasks template, or blank (other); "readme" is none of them',
    })
    const doc = await docBySlug('continue-orchestrator/plan')
    expect(await refusal(test.db, team.claims('operator'), 'select ops.rename_spec_doc($1, $2)', [doc.id, ''])).toMatchObject({
      code: '22023',
    })
  })

  it('lets operators and up add, rename and archive; tells viewers the role; outsiders and anon get nothing', async () => {
    const doc = await docBySlug('continue-orchestrator/constitution')
    const outcomes: Record<string, unknown> = {}
    for (const actor of ACTORS) {
      const tries = [
        await create(actor, 'spec', 'By someone'),
        await refusal(test.db, team.claims(actor), 'select ops.rename_spec_doc($1, $2)', [doc.id, 'Renamed']),
        await refusal(test.db, team.claims(actor), 'select ops.archive_spec_doc($1, true)', [doc.id]),
      ]
      outcomes[actor] = tries.map((t) => (t === 'allowed' ? 'ok' : t.code))
    }
    expect(outcomes).toEqual({
      outsider: ['42501', 'PT404', 'PT404'],
      viewer: ['42501', '42501', '42501'],
      operator: ['ok', 'ok', 'ok'],
      approver: ['ok', 'ok', 'ok'],
      admin: ['ok', 'ok', 'ok'],
      anon: ['42501', '42501', '42501'],
      service_role: ['42501', '42501', '42501'],
    })
    expect(await create('viewer', 'spec', 'By a viewer')).toEqual({
      code: '42501',
      message: 'adding spec documents needs the operator role (or higher) in this workspace; you are viewer',
    })
    expect(await refusal(test.db, team.claims('outsider'), 'select ops.rename_spec_doc($1, $2)', [doc.id, 'Mine'])).toEqual({
      code: 'PT404',
      message: `spec document ${doc.id} does not exist`,
    })
  })

  it('archives and restores a document, which members still read, and refuses setting kind, archive or credit directly', async () => {
    const [doc] = await team.as<Doc>('operator', "select * from ops.create_spec_doc($1, 'other', 'Scratch')", [team.workspace])
    const [archived] = await team.as<Doc>('operator', 'select * from ops.archive_spec_doc($1, true)', [doc.id])
    expect(archived.archived_at).not.toBeNull()
    expect(archived.version).toBe(1)
    expect(await team.as('viewer', 'select title from ops.spec_docs where id = $1', [doc.id])).toEqual([{ title: 'Scratch' }])
    expect(await team.as('outsider', 'select title from ops.spec_docs where id = $1', [doc.id])).toEqual([])
    const [restored] = await team.as<Doc>('admin', 'select * from ops.archive_spec_doc($1, false)', [doc.id])
    expect(restored.archived_at).toBeNull()

    const run = await startRun(test.db, team.workspace, team.users.operator)
    for (const sql of [
      'update ops.spec_docs set archived_at = now() where id = $1',
      "update ops.spec_docs set kind = 'plan' where id = $1",
      `update ops.spec_docs set from_run_id = '${run}' where id = $1`,
    ]) {
      expect(await refusal(test.db, team.claims('admin'), sql, [doc.id])).toMatchObject({ code: '42501' })
    }
    expect(
      await refusal(
        test.db,
        team.claims('admin'),
        `insert into ops.spec_docs (workspace_id, slug, title, content, from_run_id) values ($1, 'forged', 'Forged', '', '${run}')`,
        [team.workspace],
      ),
    ).toMatchObject({ code: '42501' })
  })

  it('lets members read proposals, nobody but the executor write them, and outsiders and anon see none', async () => {
    const proposal = await propose('continue-orchestrator/plan', { append: '- a note from a run' })
    const seen: Record<string, unknown> = {}
    for (const actor of ACTORS) {
      const read = await attempt(test.db, team.claims(actor), 'select count(*)::int as n from ops.spec_proposals where id = $1', [
        proposal.id,
      ])
      seen[actor] = read.ok ? read.rows[0].n : read.code
    }
    expect(seen).toEqual({ outsider: 0, viewer: 1, operator: 1, approver: 1, admin: 1, anon: '42501', service_role: 1 })
    for (const sql of [
      "update ops.spec_proposals set status = 'applied' where id = $1",
      'delete from ops.spec_proposals where id = $1',
      "insert into ops.spec_proposals (workspace_id, doc_id, step_id, base_version, proposed_content, diff, change) select workspace_id, doc_id, 'x', 1, '', '', '{\"append\":\"x\"}' from ops.spec_proposals where id = $1",
    ]) {
      expect(await refusal(test.db, team.claims('admin'), sql, [proposal.id])).toMatchObject({ code: '42501' })
    }
    expect(
      await refusal(test.db, team.claims('admin'), "select ops.add_spec_proposal($1, 'docs-test', '{}'::jsonb)", [proposal.run_id]),
    ).toMatchObject({ code: '42501' })
  })

  it('applies a proposal as a revision saved by the person and credited to the run; the credit stays with that revision', async () => {
    const before = await docBySlug('continue-orchestrator/tasks')
    const proposal = await propose('continue-orchestrator/tasks', { append: '- [ ] T999 Follow up the incident' })
    for (const actor of ['viewer', 'outsider', 'anon'] as const) {
      expect(await refusal(test.db, team.claims(actor), 'select ops.apply_spec_proposal($1)', [proposal.id])).toMatchObject({
        code: actor === 'outsider' ? 'PT404' : '42501',
      })
    }
    const [applied] = await team.as<Proposal>('approver', 'select * from ops.apply_spec_proposal($1)', [proposal.id])
    expect(applied).toMatchObject({ status: 'applied', decided_by: team.users.approver, applied_version: before.version + 1 })
    const after = await docById(before.id)
    expect(after).toMatchObject({ version: before.version + 1, updated_by: team.users.approver, from_run_id: proposal.run_id })
    expect(after.content).toBe(`${before.content}- [ ] T999 Follow up the incident\n`)
    expect(await refusal(test.db, team.claims('admin'), 'select ops.apply_spec_proposal($1)', [proposal.id])).toEqual({
      code: 'PT409',
      message: 'this proposal was applied already',
    })

    // A person's save afterwards: the applied version, now a revision, keeps its run and its author.
    await team.as('operator', 'select ops.save_spec_doc($1, $2, $3, $4)', [
      team.workspace,
      after.slug,
      `${after.content}mine\n`,
      after.version,
    ])
    const { rows } = await test.db.query<{ version: number; saved_by: string; from_run_id: string | null }>(
      'select version, saved_by, from_run_id from ops.spec_doc_revisions where doc_id = $1 order by version',
      [before.id],
    )
    expect(rows.at(-1)).toEqual({ version: after.version, saved_by: team.users.approver, from_run_id: proposal.run_id })
    expect(await docById(before.id)).toMatchObject({ version: after.version + 1, updated_by: team.users.operator, from_run_id: null })
    expect(tasks.id).toBe(before.id)
  })

  it('dismisses a proposal without touching the document; viewers cannot', async () => {
    const proposal = await propose('continue-orchestrator/constitution', { append: 'An amendment nobody wants' })
    const before = await docById(proposal.doc_id)
    expect(await refusal(test.db, team.claims('viewer'), 'select ops.dismiss_spec_proposal($1)', [proposal.id])).toMatchObject({
      code: '42501',
      message: 'dismissing proposed changes needs the operator role (or higher) in this workspace; you are viewer',
    })
    const [dismissed] = await team.as<Proposal>('operator', 'select * from ops.dismiss_spec_proposal($1)', [proposal.id])
    expect(dismissed).toMatchObject({ status: 'dismissed', decided_by: team.users.operator, applied_version: null })
    expect(await docById(proposal.doc_id)).toMatchObject({ version: before.version, content: before.content })
    expect(await refusal(test.db, team.claims('operator'), 'select ops.apply_spec_proposal($1)', [proposal.id])).toMatchObject({
      code: 'PT409',
      message: 'this proposal was dismissed already',
    })
  })

  it('refuses a proposal whose text the document no longer has, and merges one that still applies', async () => {
    const [doc] = await team.as<Doc>('operator', "select * from ops.create_spec_doc($1, 'spec', 'Merging')", [team.workspace])
    const stale = await propose(doc.slug, {
      replace: { find: '- **FR-002**: Users MUST be able to [an interaction]', with: '- **FR-002**: Users MUST be able to export' },
    })
    const appended = await propose(doc.slug, { append: '- **FR-003**: System MUST keep an audit trail' })
    // Someone rewrites FR-002 and adds a line at the top after both proposals were made.
    const edited = doc.content
      .replace('[an interaction]', 'import a file')
      .replace('# Feature Specification: [FEATURE NAME]', '# Feature Specification: Merging')
    await team.as('operator', 'select ops.save_spec_doc($1, $2, $3, $4)', [team.workspace, doc.slug, edited, 1])

    expect(await refusal(test.db, team.claims('operator'), 'select ops.apply_spec_proposal($1)', [stale.id])).toEqual({
      code: 'PT409',
      message:
        'the document changed since this proposal: it was made against version 1, the latest is version 2, and the change no longer applies to it',
      detail: 'base_version=1 latest_version=2',
    })
    const [merged] = await team.as<Proposal>('operator', 'select * from ops.apply_spec_proposal($1)', [appended.id])
    expect(merged).toMatchObject({ status: 'applied', applied_version: 3 })
    expect((await docById(doc.id)).content).toBe(`${edited}- **FR-003**: System MUST keep an audit trail\n`)
    // The stale one stays open for a person to read or dismiss.
    const { rows } = await test.db.query<{ status: string }>('select status from ops.spec_proposals where id = $1', [stale.id])
    expect(rows[0].status).toBe('open')
  })

  it('refuses applying to an archived document until it is restored', async () => {
    const [doc] = await team.as<Doc>('operator', "select * from ops.create_spec_doc($1, 'tasks', 'Archived tasks')", [team.workspace])
    const proposal = await propose(doc.slug, { append: '- [ ] T010 Something' })
    await team.as('operator', 'select ops.archive_spec_doc($1, true)', [doc.id])
    expect(await refusal(test.db, team.claims('operator'), 'select ops.apply_spec_proposal($1)', [proposal.id])).toEqual({
      code: 'PT409',
      message: 'Archived tasks is archived: restore it before applying a proposal to it',
    })
    await team.as('operator', 'select ops.archive_spec_doc($1, false)', [doc.id])
    await team.as('operator', 'select ops.apply_spec_proposal($1)', [proposal.id])
  })

  it('broadcasts proposals to the workspace’s Spec Kit topic, which only its members receive', async () => {
    const proposal = await propose('continue-orchestrator/prd', { append: '- **FR-999**: Broadcast me' })
    await team.as('operator', 'select ops.dismiss_spec_proposal($1)', [proposal.id])
    const { rows } = await test.db.query<{ event: string; payload: { doc_id: string; status: string } }>(
      "select event, payload from realtime.messages where topic = $1 and payload->>'id' = $2 order by inserted_at",
      [`workspace:${team.workspace}:spec`, proposal.id],
    )
    expect(rows.map((m) => [m.event, m.payload.doc_id, m.payload.status])).toEqual([
      ['proposal', proposal.doc_id, 'open'],
      ['proposal', proposal.doc_id, 'dismissed'],
    ])
    const access: Record<string, boolean> = {}
    for (const actor of ACTORS) access[actor] = (await topicAccess(test.db, team.claims(actor), `workspace:${team.workspace}:spec`)).read
    expect(access).toEqual({
      outsider: false,
      viewer: true,
      operator: true,
      approver: true,
      admin: true,
      anon: false,
      service_role: true,
    })
    expect((await topicAccess(test.db, team.claims('outsider'), `workspace:${team.other}:spec`)).read).toBe(true)
    expect((await topicAccess(test.db, team.claims('admin'), `workspace:${team.other}:spec`)).read).toBe(false)
  })
})
