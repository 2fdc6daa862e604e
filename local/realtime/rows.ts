/**
 * Looking rows up by primary key in bulk: the keys go in as one JSON array and come back joined to
 * the table, so a whole batch of changes costs one query whatever the key's arity or types. Used
 * as the superuser to fetch rows too large for NOTIFY, and under a subscriber's role for the RLS
 * check (Postgres then applies the table's policies to the join).
 */
import type { JwtClaims, Database, Tx } from '../db/database.ts'
import { jsonObject, readJson } from '../read-json.ts'
import type { TableInfo } from './catalog.ts'
import { ident } from './catalog.ts'

/** A key to look up, tagged with the caller's index so results map back without comparing values. */
export interface KeyLookup {
  index: number
  key: Record<string, unknown>
}

const INDEX = '_realtime_lookup_index'

function lookupSql(info: TableInfo, select: string): string {
  const keyColumns = info.primaryKey.map((name) => {
    const column = info.byName.get(name)
    return `${ident(name)} ${column ? column.sqlType : 'text'}`
  })
  const on = info.primaryKey.map((name) => `t.${ident(name)} = k.${ident(name)}`).join(' and ')
  return (
    `select ${select} from ${ident(info.schema)}.${ident(info.table)} t ` +
    `join jsonb_to_recordset($1::jsonb) as k(${ident(INDEX)} int, ${keyColumns.join(', ')}) on ${on}`
  )
}

function keysJson(lookups: KeyLookup[]): string {
  return JSON.stringify(lookups.map(({ index, key }) => ({ ...key, [INDEX]: index })))
}

/** The current rows (as to_jsonb renders them) for the given keys, by index; missing rows are absent. */
export async function fetchRows(db: Database, info: TableInfo, lookups: KeyLookup[]): Promise<Map<number, Record<string, unknown>>> {
  const found = new Map<number, Record<string, unknown>>()
  if (lookups.length === 0) return found
  const { rows } = await db.query<{ index: number; row: unknown }>(lookupSql(info, `k.${ident(INDEX)} as index, to_jsonb(t) as row`), [
    keysJson(lookups),
  ])
  for (const { index, row } of rows) found.set(index, readJson(jsonObject, row, `a row of ${info.schema}.${info.table}`))
  return found
}

/**
 * Which of the keys the claims may SELECT, checked in one read-only transaction as their role with
 * `request.jwt.claims` set, exactly as a PostgREST read would be.
 */
export async function visibleKeys(db: Database, claims: JwtClaims, info: TableInfo, lookups: KeyLookup[]): Promise<Set<number>> {
  if (lookups.length === 0) return new Set()
  const sql = lookupSql(info, `k.${ident(INDEX)} as index`)
  const rows = await db.asRole(claims, async (tx: Tx) => (await tx.query<{ index: number }>(sql, [keysJson(lookups)])).rows, {
    readOnly: true,
  })
  return new Set(rows.map((row) => row.index))
}
