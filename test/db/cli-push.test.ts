/**
 * What users run to deploy is what CI runs: the real Supabase CLI's `db push` applies every
 * migration in supabase/migrations to a fresh database prepared the way a hosted project is
 * (the API roles, the `auth` schema, the realtime publication: local/db/bootstrap.sql), and the
 * local stack and the CLI agree on which migrations a database has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdir, readFile } from 'node:fs/promises'
import type { Database } from '../../local/db/database.ts'
import { BOOTSTRAP_FILE, migrate, MIGRATIONS_DIR } from '../../local/db/migrate.ts'
import type { ServedDatabase } from '../../local/db/served.ts'
import { cliTarget, supabaseCli } from '../../local/db/supabase-cli.ts'
import { as, createUser, userClaims } from '../support/actors.ts'
import { engines, OPS_TABLES, servedDatabase } from '../support/databases.ts'

const migrationFiles = async () => (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort()

/** `supabase db push` as a user runs it against their project, here by database URL. */
async function push(served: ServedDatabase): Promise<string> {
  const { stdout, stderr } = await supabaseCli(['db', 'push', cliTarget(served.url), '--yes'])
  return stdout + stderr
}

async function recorded(db: Database): Promise<{ version: string; name: string }[]> {
  const { rows } = await db.query<{ version: string; name: string }>(
    'select version, name from supabase_migrations.schema_migrations order by version',
  )
  return rows
}

describe.each(engines)('supabase db push on %s', (engine) => {
  let served: ServedDatabase
  beforeAll(async () => {
    served = await servedDatabase(engine)
    await served.db.exec(await readFile(BOOTSTRAP_FILE, 'utf8'))
  })
  afterAll(() => served.close())

  it('applies every migration in supabase/migrations and records each one', async () => {
    const files = await migrationFiles()
    const output = await push(served)
    for (const file of files) expect(output).toContain(`Applying migration ${file}`)
    expect(await recorded(served.db)).toEqual(files.map((file) => ({ version: file.slice(0, 14), name: file.slice(15, -'.sql'.length) })))
  }, 120_000)

  it('leaves a working schema: tables under RLS, the realtime publication, the seed', async () => {
    const tables = await served.db.query<{ relname: string; relrowsecurity: boolean }>(
      "select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'ops' and c.relkind = 'r' order by 1",
    )
    expect(tables.rows).toEqual(
      OPS_TABLES.map((relname) => ({
        relname,
        relrowsecurity: true,
      })),
    )
    const published = await served.db.query<{ tablename: string }>(
      "select tablename from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'ops' order by 1",
    )
    expect(published.rows.map((row) => row.tablename)).toEqual(['artifacts', 'run_approvals', 'run_events', 'runs'])

    // A signed-in user reads the seeded templates and documents of their personal workspace
    // through RLS, and starts a run there.
    const user = await createUser(served.db, 'pushed@example.com')
    const templates = await as<{ slug: string }>(served.db, userClaims(user), 'select slug from ops.run_templates order by slug')
    expect(templates.map((row) => row.slug)).toEqual(['deploy-web', 'incident-open'])
    const docs = await as(served.db, userClaims(user), 'select slug from ops.spec_docs')
    expect(docs).toHaveLength(4)
    const [run] = await as<{ status: string; created_by: string }>(
      served.db,
      userClaims(user),
      "insert into ops.runs (template_slug, kind, env, title) values ('deploy-web', 'deploy', 'staging', 'Pushed') returning status, created_by",
    )
    expect(run).toEqual({ status: 'queued', created_by: user })
  })

  it('applies nothing when pushed again, and the local stack finds nothing left to apply', async () => {
    const before = await recorded(served.db)
    const output = await push(served)
    expect(output).toContain('Remote database is up to date')
    expect(output).not.toContain('Applying migration')
    expect(await recorded(served.db)).toEqual(before)

    const report = await migrate(served.db)
    expect(report).toEqual({ applied: [], skipped: before.map((row) => row.version) })
  }, 120_000)
})

describe.each(engines)('supabase db push after the local stack migrated, on %s', (engine) => {
  let served: ServedDatabase
  beforeAll(async () => {
    served = await servedDatabase(engine)
  })
  afterAll(() => served.close())

  it('finds every migration applied', async () => {
    const report = await migrate(served.db)
    expect(report.applied).toHaveLength((await migrationFiles()).length)
    const output = await push(served)
    expect(output).toContain('Remote database is up to date')
    expect(output).not.toContain('Applying migration')
  }, 120_000)
})
