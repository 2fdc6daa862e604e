import { mkdir } from 'node:fs/promises'
import type { Database } from './database.ts'
import { openPglite } from './pglite.ts'
import { openPostgres } from './postgres.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export interface OpenOptions {
  /** A postgres:// URL: use that server instead of PGlite. */
  url?: string
  /** PGlite's data folder; in memory when absent. */
  dataDir?: string
}

/** Opens the database the options name, with a message that says what to fix when it cannot. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  if (options.url) {
    try {
      return await openPostgres(options.url)
    } catch (error) {
      throw new Error(`cannot connect to Postgres at DATABASE_URL: ${errorMessage(error)}`, { cause: error })
    }
  }
  if (options.dataDir) {
    try {
      await mkdir(options.dataDir, { recursive: true })
      return await openPglite(options.dataDir)
    } catch (error) {
      throw new Error(
        `cannot open the data folder ${options.dataDir}: ${errorMessage(error)}. ` +
          'Check that it is writable and not used by another running stack, or start with --reset.',
        { cause: error },
      )
    }
  }
  return openPglite()
}
