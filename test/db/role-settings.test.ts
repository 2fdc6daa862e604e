import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines, migratedDatabase, OPS_TABLES, type TestDatabase } from '../support/databases.ts'

describe.each(engines)('request settings on %s', (engine) => {
  let test: TestDatabase
  beforeAll(async () => {
    test = await migratedDatabase(engine)
  })
  afterAll(() => test.drop())

  it.each([
    ['quotes and backslashes', `it's a \\ backslash \\' and ''`],
    ['SQL in a value', `'); drop table ops.runs; --`],
    ['unicode', 'déploiement 🚀 \u2028'],
  ])('carries %s into request.jwt.claims unchanged', async (_, value) => {
    const claims = { role: 'authenticated', sub: '00000000-0000-0000-0000-000000000000', note: value }
    const seen = await test.db.asRole(
      claims,
      async (tx) =>
        (await tx.query<{ claims: string; role: string }>("select current_setting('request.jwt.claims') as claims, current_user as role"))
          .rows[0],
      { settings: { 'request.headers': JSON.stringify({ 'x-odd': value }) } },
    )
    expect(JSON.parse(seen.claims)).toEqual(claims)
    expect(seen.role).toBe('authenticated')
    const tables = await test.db.query("select count(*)::int as n from information_schema.tables where table_schema = 'ops'")
    expect(tables.rows[0].n).toBe(OPS_TABLES.length)
  })

  it('refuses a role the API does not serve, and a NUL in a setting', async () => {
    await expect(test.db.asRole({ role: 'postgres' }, () => Promise.resolve(1))).rejects.toThrow('unknown database role "postgres"')
    await expect(test.db.asRole({ role: 'anon' }, () => Promise.resolve(1), { settings: { 'request.path': 'a\u0000b' } })).rejects.toThrow(
      'NUL',
    )
  })

  it('makes GET-style transactions read-only', async () => {
    await expect(
      test.db.asRole({ role: 'service_role' }, (tx) => tx.query("update ops.run_templates set title = 'x'"), { readOnly: true }),
    ).rejects.toMatchObject({ code: '25006' })
  })
})
