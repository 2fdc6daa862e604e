/**
 * The database the local stack runs on: embedded PGlite by default, a real Postgres when a URL is
 * given. Both expose the same small surface so the stack, the tests and the benchmarks do not care
 * which one is underneath.
 */

interface Field {
  name: string
  dataTypeID: number
}

interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[]
  fields: Field[]
}

/** One transaction (or, outside a transaction, one connection's turn). Its functions need no `this`. */
export interface Tx {
  query: <Row = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<QueryResult<Row>>
  /** Runs SQL that may hold several statements, with no parameters (migrations). */
  exec: (sql: string) => Promise<void>
}

/** JWT claims as PostgREST puts them in `request.jwt.claims`; `role` picks the database role. */
export type JwtClaims = Record<string, unknown> & { role: string }

export interface AsRoleOptions {
  /** GET and HEAD run read-only, as PostgREST does. */
  readOnly?: boolean
  /** Extra `request.*` settings, e.g. method and path. */
  settings?: Record<string, string>
  /**
   * Refuse (SQLSTATE PT401) a token whose user was deleted or whose session ended, checked by
   * `local_auth.require_live_token` before the role switch, in the same round trip.
   */
  liveToken?: boolean
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
export type ApiRole = (typeof API_ROLES)[number]

export function isApiRole(role: unknown): role is ApiRole {
  return API_ROLES.some((known) => known === role)
}

/**
 * The statements that open a request's transaction the way PostgREST does: read-only for reads,
 * then the role and `request.*` settings, transaction-scoped. Returned as one SQL text (values
 * quoted as literals) so a driver can send it together with BEGIN in a single round trip.
 */
export function roleSettingsSql(claims: JwtClaims, options: AsRoleOptions = {}): string {
  if (!isApiRole(claims.role)) {
    throw new Error(`unknown database role "${claims.role}" in JWT; expected one of ${API_ROLES.join(', ')}`)
  }
  const settings: Record<string, string> = {
    role: claims.role,
    'request.jwt.claims': JSON.stringify(claims),
    ...options.settings,
  }
  const configs = Object.entries(settings).map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`)
  const live = options.liveToken ? `select local_auth.require_live_token(${literal(JSON.stringify(claims))}::jsonb); ` : ''
  return `${options.readOnly ? 'set transaction read only; ' : ''}${live}select ${configs.join(', ')}`
}

/** A SQL string literal; E'' form so backslashes in JSON claims stay as they are. */
function literal(value: string): string {
  if (value.includes('\0')) throw new Error('a setting cannot contain a NUL character')
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}
