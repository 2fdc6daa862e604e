import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import type { Database } from './database.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
export const BOOTSTRAP_FILE = join(here, 'bootstrap.sql')
export const MIGRATIONS_DIR = join(here, '..', '..', 'supabase', 'migrations')

export interface MigrationReport {
  /** Versions applied by this call, in order. */
  applied: string[]
  /** Versions that were already recorded and skipped. */
  skipped: string[]
  /**
   * True when the database was already as this bootstrap and these migrations leave it (a restart
   * with data): nothing was run, not even the bootstrap. Absent otherwise.
   */
  upToDate?: true
}

const MIGRATION_FILE = /^(\d{14})_([a-z0-9_]+)\.sql$/

export interface MigrateOptions {
  /** Stop after this migration (its file name or version): a database as an older release left it, for upgrade tests. */
  through?: string
}

/**
 * Applies the platform bootstrap, then every migration not yet recorded, each in its own
 * transaction and in file-name order, as `supabase db push` does. An advisory lock keeps two
 * processes starting on the same database from applying the same file twice.
 */
export async function migrate(db: Database, migrationsDir = MIGRATIONS_DIR, options: MigrateOptions = {}): Promise<MigrationReport> {
  const bootstrap = await readFile(BOOTSTRAP_FILE, 'utf8')
  let files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort()
  if (options.through !== undefined) {
    const through = options.through
    const last = files.findIndex((name) => name === through || name.startsWith(`${through}_`))
    if (last < 0) throw new Error(`no migration "${through}" in ${migrationsDir}`)
    files = files.slice(0, last + 1)
  }
  // A restart with data: when the last full pass recorded this very bootstrap and these files,
  // one query says so and nothing runs (the bootstrap alone costs a busy machine most of a second).
  const fingerprint = createHash('sha256').update(bootstrap).update('\0').update(files.join('\n')).digest('hex')
  const versions = files.map((file) => MIGRATION_FILE.exec(file)?.[1] ?? file)
  if ((await recordedFingerprint(db)) === fingerprint) return { applied: [], skipped: versions, upToDate: true }

  await db.exec(bootstrap)
  const report: MigrationReport = { applied: [], skipped: [] }
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file)
    if (!match) {
      throw new Error(`migration file name "${file}" must look like 20250103000000_name.sql`)
    }
    const [, version, name] = match
    const sql = await readFile(join(migrationsDir, file), 'utf8')
    const applied = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(7215001)')
      const done = await tx.query('select 1 from supabase_migrations.schema_migrations where version = $1', [version])
      if (done.rows.length > 0) return false
      try {
        await tx.exec(sql)
      } catch (error) {
        throw new Error(`migration ${file} failed: ${errorMessage(error)}`, { cause: error })
      }
      await tx.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [version, name])
      return true
    })
    ;(applied ? report.applied : report.skipped).push(version)
  }
  await db.query('select local_realtime.attach_triggers()')
  // Written last, so a pass cut off halfway is made again in full at the next start.
  await db.query(
    `insert into supabase_migrations.local_stack_state (key, value) values ('fingerprint', $1)
     on conflict (key) do update set value = excluded.value`,
    [fingerprint],
  )
  return report
}

/** The fingerprint the last full pass left, or null (a new database, or one `supabase db push` migrated). */
async function recordedFingerprint(db: Database): Promise<string | null> {
  const table = await db.query<{ present: boolean }>("select to_regclass('supabase_migrations.local_stack_state') is not null as present")
  if (!table.rows[0]?.present) return null
  const { rows } = await db.query<{ value: string }>("select value from supabase_migrations.local_stack_state where key = 'fingerprint'")
  return rows[0]?.value ?? null
}
