import { afterEach, describe, expect, it } from 'vitest'
import { cp, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate, MIGRATIONS_DIR } from '../../local/db/migrate.ts'
import { emptyDatabase, engines, OPS_TABLES, type TestDatabase } from '../support/databases.ts'

describe.each(engines)('migrations on %s', (engine) => {
  let test: TestDatabase | undefined
  afterEach(async () => {
    await test?.drop()
    test = undefined
  })

  it('applies every migration once, in order, and a second start applies nothing', async () => {
    test = await emptyDatabase(engine)
    const dir = await mkdtemp(join(tmpdir(), 'ops-migrations-'))
    await cp(MIGRATIONS_DIR, dir, { recursive: true })
    // A later migration that depends on the first proves the order.
    await writeFile(join(dir, '29991231000000_later.sql'), "alter table ops.runs add column later_note text default 'later';")

    // The project's migrations (each named <version>_<name>.sql), in version order, then the later one.
    const files = (await readdir(dir)).filter((file) => /^\d{14}_\w+\.sql$/.test(file)).sort()
    const project = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort()
    expect(project.slice(0, 2)).toEqual(['20250103000000_ops_schema.sql', '20250110000000_teams.sql'])
    const versions = files.map((file) => file.slice(0, 14))

    const first = await migrate(test.db, dir)
    expect(first).toEqual({ applied: versions, skipped: [] })
    expect(versions.at(-1)).toBe('29991231000000')

    // A restart with the same files runs nothing, not even the bootstrap.
    const second = await migrate(test.db, dir)
    expect(second).toEqual({ applied: [], skipped: versions, upToDate: true })

    // A new file is applied at the next start, after the full pass (the bootstrap included).
    await writeFile(join(dir, '29991231000001_later_still.sql'), "alter table ops.runs add column later_still text default 'still';")
    const third = await migrate(test.db, dir)
    expect(third).toEqual({ applied: ['29991231000001'], skipped: versions })
    files.push('29991231000001_later_still.sql')

    const { rows } = await test.db.query<{ version: string; name: string }>(
      'select version, name from supabase_migrations.schema_migrations order by version',
    )
    expect(rows).toEqual(files.map((file) => ({ version: file.slice(0, 14), name: file.slice(15, -4) })))
  })

  it('creates the tables, all under RLS, and publishes runs, events, artifacts and approvals', async () => {
    test = await emptyDatabase(engine)
    await migrate(test.db)
    const tables = await test.db.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'ops' order by 1",
    )
    expect(tables.rows.map((row) => row.table_name)).toEqual(OPS_TABLES)
    const published = await test.db.query<{ tablename: string }>(
      "select tablename from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'ops' order by 1",
    )
    expect(published.rows.map((row) => row.tablename)).toEqual(['artifacts', 'run_approvals', 'run_events', 'runs'])
    const rls = await test.db.query<{ relname: string; relrowsecurity: boolean }>(
      "select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'ops' and c.relkind = 'r' order by 1",
    )
    expect(rls.rows.every((row) => row.relrowsecurity)).toBe(true)
  })

  it('stops after the migration it is told to, and applies the rest on the next start', async () => {
    test = await emptyDatabase(engine)
    const dir = await mkdtemp(join(tmpdir(), 'ops-migrations-'))
    await cp(MIGRATIONS_DIR, dir, { recursive: true })
    await writeFile(join(dir, '29991231000000_later.sql'), "alter table ops.runs add column later_note text default 'later';")

    const old = await migrate(test.db, dir, { through: '20250103000000_ops_schema.sql' })
    expect(old).toEqual({ applied: ['20250103000000'], skipped: [] })
    const upgrade = await migrate(test.db, dir)
    expect(upgrade.applied.at(-1)).toBe('29991231000000')
    expect(upgrade.skipped).toEqual(['20250103000000'])
    await expect(migrate(test.db, dir, { through: '20240101000000' })).rejects.toThrow('no migration "20240101000000"')
    // Every migration applied on a fresh database, in two steps: slow on a busy machine.
  }, 120_000)

  it('refuses a migration file whose name has no version, naming the file', async () => {
    test = await emptyDatabase(engine)
    const dir = await mkdtemp(join(tmpdir(), 'ops-migrations-'))
    await writeFile(join(dir, 'schema.sql'), 'select 1;')
    await expect(migrate(test.db, dir)).rejects.toThrow('migration file name "schema.sql" must look like')
  })

  it('rolls back a failing migration and names it, leaving it unrecorded', async () => {
    test = await emptyDatabase(engine)
    const dir = await mkdtemp(join(tmpdir(), 'ops-migrations-'))
    await writeFile(join(dir, '20250101000000_broken.sql'), 'create table half_done (id int); select * from no_such_table;')
    await expect(migrate(test.db, dir)).rejects.toThrow(/migration 20250101000000_broken\.sql failed: .*no_such_table/)
    const leftovers = await test.db.query("select 1 from information_schema.tables where table_name = 'half_done'")
    expect(leftovers.rows).toHaveLength(0)
    const recorded = await test.db.query('select 1 from supabase_migrations.schema_migrations')
    expect(recorded.rows).toHaveLength(0)
  })
})
