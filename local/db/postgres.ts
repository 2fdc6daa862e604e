import pg from 'pg'
import type { AsRoleOptions, Database, JwtClaims, Tx } from './database.ts'
import { roleSettingsSql } from './database.ts'

// PGlite returns int8 as a number; do the same here so callers see one shape. Counts and ids in
// this project stay far below 2^53.
const types = new pg.TypeOverrides()
types.setTypeParser(pg.types.builtins.INT8, Number)

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types })
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  // Fail now, with the server's own message, rather than on the first request.
  const probe = await pool.connect()
  probe.release()

  const wrap = (client: pg.Pool | pg.PoolClient): Tx => ({
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await client.query<Row & pg.QueryResultRow>(sql, params)
      return { rows: result.rows, fields: result.fields }
    },
    async exec(sql: string) {
      await client.query(sql)
    },
  })

  /** `prelude` runs with BEGIN in the same round trip (the request's role and settings). */
  async function transaction<T>(work: (tx: Tx) => Promise<T>, prelude?: string): Promise<T> {
    const client = await pool.connect()
    const tx = wrap(client)
    try {
      await client.query(prelude ? `begin; ${prelude}` : 'begin')
      const result = await work(tx)
      await client.query('commit')
      return result
    } catch (error) {
      await client.query('rollback').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  const listeners = new Set<pg.Client>()
  const direct = wrap(pool)

  return {
    kind: 'postgres',
    location: redact(url),
    query: direct.query,
    exec: direct.exec,
    transaction: (work) => transaction(work),
    asRole: <T>(claims: JwtClaims, work: (tx: Tx) => Promise<T>, options?: AsRoleOptions) =>
      // Built inside the promise, so a refused role rejects rather than throws.
      Promise.resolve().then(() => transaction(work, roleSettingsSql(claims, options))),
    async listen(channel, onPayload) {
      // LISTEN needs a connection of its own that stays open, outside the pool. If it drops (a
      // server restart, a terminated backend), reconnect and listen again, so realtime resumes.
      let stopped = false
      let current: pg.Client | undefined
      const connect = async (attempt: number): Promise<void> => {
        const client = new pg.Client({ connectionString: url, types })
        const retry = () => {
          if (stopped || current !== client) return
          current = undefined
          listeners.delete(client)
          client.end().catch(() => {})
          setTimeout(() => void connect(attempt + 1).catch(() => {}), Math.min(5_000, 100 * 2 ** attempt))
        }
        client.on('error', retry)
        client.on('end', retry)
        client.on('notification', (message) => {
          if (message.channel === channel) onPayload(message.payload ?? '')
        })
        current = client
        listeners.add(client)
        try {
          await client.connect()
          await client.query(`listen ${pg.escapeIdentifier(channel)}`)
        } catch (error) {
          if (attempt === 0) {
            listeners.delete(client)
            current = undefined
            throw error
          }
          retry()
        }
      }
      await connect(0)
      return async () => {
        stopped = true
        const client = current
        current = undefined
        if (client) {
          listeners.delete(client)
          await client.end().catch(() => {})
        }
      }
    },
    async close() {
      await Promise.all([...listeners].map((client) => client.end().catch(() => {})))
      listeners.clear()
      await pool.end()
    },
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres'
  }
}
