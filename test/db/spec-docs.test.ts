import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { as, attempt, createUser, perform, userClaims } from '../support/actors.ts'
import { addMember, createTeam } from '../support/workspaces.ts'

const slug = 'continue-orchestrator/prd'

interface Doc {
  version: number
  content: string
  updated_by: string | null
}
interface Revision {
  version: number
  content: string
  saved_by: string | null
}

describe.each(engines)('saving spec docs on %s', (engine) => {
  let test: TestDatabase
  let alice: string
  let bob: string
  let team: string
  const save = (who: string, content: string, expected: number | null) =>
    perform(test.db, userClaims(who), 'select version, content from ops.save_spec_doc($1, $2, $3, $4)', [team, slug, content, expected])
  const doc = async () =>
    (await test.db.query<Doc>('select version, content, updated_by from ops.spec_docs where workspace_id = $1 and slug = $2', [team, slug]))
      .rows[0]
  const revisions = async () =>
    (
      await test.db.query<Revision>(
        'select r.version, r.content, r.saved_by from ops.spec_doc_revisions r join ops.spec_docs d on d.id = r.doc_id where d.workspace_id = $1 and d.slug = $2 order by r.version',
        [team, slug],
      )
    ).rows

  beforeEach(async () => {
    test = await migratedDatabase(engine)
    alice = await createUser(test.db, 'alice@example.com')
    bob = await createUser(test.db, 'bob@example.com')
    // Alice and Bob edit their team's documents; each workspace has its own copies.
    team = await createTeam(test.db, alice)
    await addMember(test.db, team, alice, bob, 'operator')
  })
  afterEach(() => test.drop())

  it('saves with the current version, bumps it and keeps the previous text as a revision', async () => {
    const original = (await doc()).content
    expect(await save(alice, '# PRD v2', 1)).toMatchObject({ ok: true, rows: [{ version: 2, content: '# PRD v2' }] })
    expect(await doc()).toMatchObject({ version: 2, content: '# PRD v2', updated_by: alice })
    expect(await revisions()).toEqual([{ version: 1, content: original, saved_by: null }])
  })

  it('refuses a stale save, naming both versions, and keeps the newer text', async () => {
    await save(alice, 'alice wins', 1)
    const stale = await save(bob, 'bob was late', 1)
    expect(stale).toMatchObject({
      ok: false,
      code: 'PT409',
      message: `spec doc "${slug}" was changed by someone else: you edited version 1, the latest is version 2`,
    })
    expect(await doc()).toMatchObject({ version: 2, content: 'alice wins' })
    expect((await revisions()).map((r) => r.version)).toEqual([1])
    // Bob reloads and saves on top of version 2: nothing is lost on either side.
    expect(await save(bob, 'bob again', 2)).toMatchObject({ ok: true, rows: [{ version: 3 }] })
    expect((await revisions()).map((r) => [r.version, r.content])).toEqual([
      [1, expect.any(String)],
      [2, 'alice wins'],
    ])
  })

  it('does not make a new version when nothing changed', async () => {
    const same = (await doc()).content
    expect(await save(alice, same, 1)).toMatchObject({ ok: true, rows: [{ version: 1 }] })
    expect(await revisions()).toEqual([])
  })

  it('keeps a revision for a plain UPDATE too, with the version set by the database', async () => {
    await as(test.db, userClaims(alice), 'update ops.spec_docs set content = $1, version = 42 where workspace_id = $2 and slug = $3', [
      'direct',
      team,
      slug,
    ])
    expect(await doc()).toMatchObject({ version: 2, content: 'direct' })
    expect(await revisions()).toHaveLength(1)
  })

  it('says which doc does not exist', async () => {
    const result = await attempt(test.db, userClaims(alice), "select ops.save_spec_doc($1, 'nope/missing', 'x', 1)", [team])
    expect(result).toMatchObject({ ok: false, code: 'PT404', message: 'spec doc "nope/missing" does not exist in this workspace' })
  })

  it('refuses a viewer and an outsider, saying which role is needed', async () => {
    const viewer = await createUser(test.db, 'vera@example.com')
    await addMember(test.db, team, alice, viewer, 'viewer')
    expect(await save(viewer, 'viewer edit', 1)).toMatchObject({
      ok: false,
      code: '42501',
      message: 'editing spec documents needs the operator role (or higher) in this workspace; you are viewer',
    })
    const outsider = await createUser(test.db, 'olga@example.com')
    expect(await save(outsider, 'outsider edit', 1)).toMatchObject({ ok: false, code: '42501' })
    expect(await doc()).toMatchObject({ version: 1 })
  })
})
