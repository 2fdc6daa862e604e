/**
 * The database the local stack runs on: embedded PGlite by default, a real Postgres when a URL is
 * given. Both expose the same small surface so the stack, the tests and the benchmarks do not care
 * which one is underneath.
 */

export interface Field {
  name: string
  dataTypeID: number
}

export interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[]
  fields: Field[]
}

/** One transaction (or, outside a transaction, one connection's turn). */
export interface Tx {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>
  /** Runs SQL that may hold several statements, with no parameters (migrations). */
  exec(sql: string): Promise<void>
}

/** JWT claims as PostgREST puts them in `request.jwt.claims`; `role` picks the database role. */
export type JwtClaims = Record<string, unknown> & { role: string }

export interface AsRoleOptions {
  /** GET and HEAD run read-only, as PostgREST does. */
  readOnly?: boolean
  /** Extra `request.*` settings, e.g. method and path. */
  settings?: Record<string, string>
}

export interface Database {
  readonly kind: 'pglite' | 'postgres'
  /** Where the data lives, for messages: a folder, "memory" or the URL without its password. */
  readonly location: string
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>
  exec(sql: string): Promise<void>
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * Runs `work` in one transaction as the role named by `claims.role`, with
   * `request.jwt.claims` set to the claims, so row-level security decides what it may do.
   */
  asRole<T>(claims: JwtClaims, work: (tx: Tx) => Promise<T>, options?: AsRoleOptions): Promise<T>
  /** Calls `onPayload` for each NOTIFY on `channel`; resolves to a function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** The roles a JWT may name; anything else is refused before it reaches `set role`. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const

/**
 * Opens the transaction-scoped settings PostgREST sets for every request. Shared by both drivers
 * so the role switch is written once.
 */
export async function enterRole(tx: Tx, claims: JwtClaims, options: AsRoleOptions = {}): Promise<void> {
  if (!(API_ROLES as readonly string[]).includes(claims.role)) {
    throw new Error(`unknown database role "${claims.role}" in JWT; expected one of ${API_ROLES.join(', ')}`)
  }
  if (options.readOnly) await tx.query('set transaction read only')
  const settings: Record<string, string> = {
    role: claims.role,
    'request.jwt.claims': JSON.stringify(claims),
    ...options.settings,
  }
  const names = Object.keys(settings)
  const sql = `select ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`
  await tx.query(sql, names.flatMap((name) => [name, settings[name]]))
}
