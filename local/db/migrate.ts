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
  await db.exec(await readFile(BOOTSTRAP_FILE, 'utf8'))

  let files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort()
  if (options.through !== undefined) {
    const through = options.through
    const last = files.findIndex((name) => name === through || name.startsWith(`${through}_`))
    if (last < 0) throw new Error(`no migration "${through}" in ${migrationsDir}`)
    files = files.slice(0, last + 1)
  }
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
  return report
}
