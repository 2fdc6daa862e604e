/**
 * A new, empty database that programs outside this process can connect to (the Supabase CLI):
 * a fresh database on a Postgres server, or an in-memory PGlite served over the Postgres wire
 * protocol on a loopback port. `db` is this process's own handle on the same database.
 */
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import type { Database } from './database.ts'
import { createFreshDatabase } from './fresh.ts'
import { pgliteDatabase } from './pglite.ts'
import { openPostgres } from './postgres.ts'

export interface ServedDatabase {
  db: Database
  /** A postgres:// URL for other programs. */
  url: string
  /** Stops serving, closes `db` and drops the database. */
  close(): Promise<void>
}

/** On the Postgres server at `serverUrl` when given, otherwise on PGlite. */
export async function serveFreshDatabase(serverUrl?: string, prefix = 'ops_served'): Promise<ServedDatabase> {
  if (serverUrl) {
    const created = await createFreshDatabase(serverUrl, prefix)
    const db = await openPostgres(created.url)
    return {
      db,
      url: created.url,
      async close() {
        await db.close()
        await created.drop()
      },
    }
  }
  const pg = new PGlite()
  await pg.waitReady
  // PGlite is one session: the server queues statements from every connection and keeps an open
  // transaction to the connection that began it. The CLI uses one connection per command.
  const server = new PGLiteSocketServer({ db: pg, host: '127.0.0.1', port: 0, maxConnections: 4 })
  await server.start()
  return {
    db: pgliteDatabase(pg, 'memory'),
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async close() {
      await server.stop()
      await pg.close()
    },
  }
}
