/**
 * The `data` of a postgres_changes message, shaped as real Realtime sends it:
 * `{schema, table, commit_timestamp, type, columns, record?, old_record?, errors}`.
 * - INSERT carries `record`; UPDATE `record` and `old_record`; DELETE only `old_record`.
 * - An old row is whole only under REPLICA IDENTITY FULL (that is all the WAL would hold);
 *   otherwise, and always for DELETE (RLS cannot be checked on a deleted row), just the key.
 * - A record over 1 MiB keeps only its small values and says "Error 413: Payload Too Large".
 */
import type { Change } from './change.ts'
import type { TableInfo } from './catalog.ts'

/** Real Realtime's limit for one record (its `max_record_bytes`). */
const MAX_RECORD_BYTES = 1024 * 1024
/** Values kept in an oversized record: those whose JSON is at most this long. */
const SMALL_VALUE_BYTES = 64

type Row = Record<string, unknown>

function project(row: Row, select: string[] | undefined): Row {
  if (!select) return row
  const out: Row = {}
  for (const name of select) if (name in row) out[name] = row[name]
  return out
}

function shrink(row: Row): Row {
  const out: Row = {}
  for (const [name, value] of Object.entries(row)) {
    if (Buffer.byteLength(JSON.stringify(value) ?? 'null') <= SMALL_VALUE_BYTES) out[name] = value
  }
  return out
}

export function changeData(change: Change, info: TableInfo, select?: string[]): string {
  const columns = select
    ? JSON.stringify(info.columns.filter((c) => select.includes(c.name)).map(({ name, type }) => ({ name, type })))
    : info.columnsJson
  let record: Row | undefined
  let oldRecord: Row | undefined
  if (change.type !== 'DELETE') record = project(change.record ?? change.key, select)
  if (change.type === 'UPDATE') {
    oldRecord = project(info.replicaIdentityFull && change.oldRecord ? change.oldRecord : change.key, select)
  }
  if (change.type === 'DELETE') oldRecord = project(change.key, select)

  let errors: string[] | null = null
  let recordJson = record ? JSON.stringify(record) : undefined
  let oldJson = oldRecord ? JSON.stringify(oldRecord) : undefined
  if (Buffer.byteLength(recordJson ?? '') + Buffer.byteLength(oldJson ?? '') > MAX_RECORD_BYTES) {
    errors = ['Error 413: Payload Too Large']
    if (record) recordJson = JSON.stringify(shrink(record))
    if (oldRecord) oldJson = JSON.stringify(shrink(oldRecord))
  }
  const head =
    `{"schema":${JSON.stringify(change.schema)},"table":${JSON.stringify(change.table)},` +
    `"commit_timestamp":${JSON.stringify(change.commitTimestamp)},"type":${JSON.stringify(change.type)},"columns":${columns}`
  return (
    head +
    (recordJson !== undefined ? `,"record":${recordJson}` : '') +
    (oldJson !== undefined ? `,"old_record":${oldJson}` : '') +
    `,"errors":${JSON.stringify(errors)}}`
  )
}
