/**
 * Databases for tests: PGlite always, and a fresh database on the real Postgres server whenever
 * DATABASE_URL is set. Every call gets its own database, so test files never share state.
 */
import { describe } from 'vitest'
import type { Database } from '../../local/db/database.ts'
import { openDatabase } from '../../local/db/open.ts'
import { migrate } from '../../local/db/migrate.ts'
import { createFreshDatabase, type FreshDatabase } from '../../local/db/fresh.ts'
import { serveFreshDatabase, type ServedDatabase } from '../../local/db/served.ts'

export interface TestDatabase {
  db: Database
  /** The connection URL when this is a real Postgres database. */
  url?: string
  drop(): Promise<void>
}

export type Engine = 'pglite' | 'postgres'

const serverUrl = process.env.DATABASE_URL

/** The engines this run covers: PGlite, plus Postgres when DATABASE_URL is set. */
export const engines: Engine[] = serverUrl ? ['pglite', 'postgres'] : ['pglite']

/** Creates an empty database on the DATABASE_URL server and returns its URL. */
function createPostgresDatabase(): Promise<FreshDatabase> {
  if (!serverUrl) throw new Error('DATABASE_URL is not set')
  return createFreshDatabase(serverUrl, 'ops_test')
}

/** A fresh, empty database of the given engine. */
export async function emptyDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const db = await openDatabase()
    return { db, drop: () => db.close() }
  }
  const created = await createPostgresDatabase()
  const db = await openDatabase({ url: created.url })
  return {
    db,
    url: created.url,
    async drop() {
      await db.close()
      await created.drop()
    },
  }
}

/**
 * A fresh, empty database of the given engine that another program (the Supabase CLI) reaches by
 * URL: PGlite is served over the Postgres wire protocol on a loopback port.
 */
export function servedDatabase(engine: Engine): Promise<ServedDatabase> {
  return serveFreshDatabase(engine === 'postgres' ? serverUrl : undefined, 'ops_test')
}

/** A fresh database with the bootstrap and every migration applied. */
export async function migratedDatabase(engine: Engine): Promise<TestDatabase> {
  const test = await emptyDatabase(engine)
  await migrate(test.db)
  return test
}

/**
 * `describe` for suites that need a real Postgres server (true concurrency). Without
 * DATABASE_URL they are skipped with a reason, except under CI=true where that is a failure.
 */
export function describePostgres(name: string, body: () => void): void {
  if (serverUrl) {
    describe(name, body)
    return
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`"${name}" needs a real Postgres: set DATABASE_URL (CI must provide it)`)
    })
    return
  }
  describe.skip(`${name} (skipped: needs a real Postgres; set DATABASE_URL)`, body)
}

/** Every table of schema `ops` after all migrations, by name. */
export const OPS_TABLES = [
  'artifacts',
  'audit_log',
  'deployment_settings',
  'environments',
  'queue_turns',
  'run_approvals',
  'run_events',
  'run_secret_inputs',
  'run_templates',
  'runs',
  'secret_bindings',
  'spec_comments',
  'spec_doc_revisions',
  'spec_docs',
  'spec_proposals',
  'spec_required_reviewers',
  'spec_review_decisions',
  'spec_review_requests',
  'starter_kit',
  'template_revisions',
  'workspace_invites',
  'workspace_members',
  'workspaces',
]
