/** Users and roles for database tests: who is acting, and a way to try a statement as them. */
import type { Database, JwtClaims } from '../../local/db/database.ts'

export async function createUser(db: Database, email?: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('insert into auth.users (email, is_anonymous) values ($1, $2) returning id', [
    email ?? null,
    email === undefined,
  ])
  return rows[0].id
}

export const anonClaims: JwtClaims = { role: 'anon' }
export const serviceClaims: JwtClaims = { role: 'service_role' }
export function userClaims(id: string): JwtClaims {
  return { role: 'authenticated', sub: id, aud: 'authenticated' }
}

export type Attempt = { ok: true; rows: Record<string, unknown>[] } | { ok: false; code: string; message: string }

class Rollback extends Error {
  constructor(readonly rows: Record<string, unknown>[]) {
    super('rollback')
  }
}

/** Runs one statement as `claims` and rolls it back, so a matrix of attempts shares one fixture. */
export function attempt(db: Database, claims: JwtClaims, sql: string, params: unknown[] = []): Promise<Attempt> {
  return settle(db, claims, sql, params, false)
}

/** Runs one statement as `claims`, keeping its effect when it succeeds. */
export function perform(db: Database, claims: JwtClaims, sql: string, params: unknown[] = []): Promise<Attempt> {
  return settle(db, claims, sql, params, true)
}

async function settle(db: Database, claims: JwtClaims, sql: string, params: unknown[], keep: boolean): Promise<Attempt> {
  try {
    return await db.asRole(claims, async (tx) => {
      const result = await tx.query(sql, params)
      if (keep) return { ok: true as const, rows: result.rows }
      throw new Rollback(result.rows)
    })
  } catch (error) {
    if (error instanceof Rollback) return { ok: true, rows: error.rows }
    const e = error as { code?: string; message: string }
    if (!e.code) throw error
    return { ok: false, code: e.code, message: e.message }
  }
}

/** Runs one statement as `claims` and keeps its effect. */
export async function as<Row = Record<string, unknown>>(
  db: Database,
  claims: JwtClaims,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  return db.asRole(claims, async (tx) => (await tx.query<Row>(sql, params)).rows)
}
