import { PGlite } from '@electric-sql/pglite'
import type { AsRoleOptions, Database, JwtClaims, Tx } from './database.ts'
import { roleSettingsSql } from './database.ts'

/**
 * PGlite runs one query at a time on one connection; its `transaction` queues callers, which is
 * what gives each request its own transaction here.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  const pg = new PGlite(dataDir)
  await pg.waitReady
  return pgliteDatabase(pg, dataDir ?? 'memory')
}

/** The `Database` surface over a PGlite the caller already holds (e.g. one it also serves on a socket). */
export function pgliteDatabase(pg: PGlite, location: string): Database {
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await target.query<Row>(sql, params)
      return { rows: result.rows, fields: result.fields }
    },
    async exec(sql: string) {
      await target.exec(sql)
    },
  })
  const direct = wrap(pg)

  return {
    kind: 'pglite',
    location,
    query: direct.query,
    exec: direct.exec,
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    asRole: <T>(claims: JwtClaims, work: (tx: Tx) => Promise<T>, options?: AsRoleOptions) =>
      pg.transaction(async (raw) => {
        const tx = wrap(raw)
        await tx.exec(roleSettingsSql(claims, options))
        return work(tx)
      }),
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload)
      return async () => {
        if (!pg.closed) await unlisten()
      }
    },
    async close() {
      if (!pg.closed) await pg.close()
    },
  }
}
