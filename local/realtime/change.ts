/**
 * One row change as the bootstrap's `local_realtime.notify_change()` trigger reports it through
 * NOTIFY: `{schema, table, type, pk, ts, record, old_record}`, or `{…, truncated: true}` without the
 * rows when the payload would not fit NOTIFY's 8000-byte limit.
 */
import { isChangeType, type ChangeType } from './binding.ts'
import { isJsonObject } from '../json-object.ts'

export interface Change {
  schema: string
  table: string
  type: ChangeType
  /** The primary key of the row, as to_jsonb renders it. */
  key: Record<string, unknown>
  /** ISO 8601 in UTC with milliseconds, the format real Realtime sends. */
  commitTimestamp: string
  /** The new row for INSERT/UPDATE; for a truncated change, filled in by a fetch (or left null). */
  record: Record<string, unknown> | null
  /** The old row of an UPDATE as the trigger saw it (absent when truncated). */
  oldRecord: Record<string, unknown> | null
  truncated: boolean
}

/** Parses one NOTIFY payload; anything that is not a change from our trigger is reported as a string. */
export function parseChange(payload: string): Change | string {
  let data: unknown
  try {
    data = JSON.parse(payload)
  } catch {
    return 'payload is not JSON'
  }
  if (!isJsonObject(data)) return 'payload is not an object'
  const { schema, table, type, pk, ts, record, old_record: oldRecord, truncated } = data
  if (typeof schema !== 'string' || typeof table !== 'string') return 'payload has no schema/table'
  if (!isChangeType(type)) return `payload has unknown type ${JSON.stringify(type)}`
  if (!isJsonObject(pk)) return 'payload has no pk'
  const time = typeof ts === 'string' ? new Date(ts) : new Date()
  return {
    schema,
    table,
    type,
    key: pk,
    commitTimestamp: (Number.isNaN(time.getTime()) ? new Date() : time).toISOString(),
    record: isJsonObject(record) ? record : null,
    oldRecord: isJsonObject(oldRecord) ? oldRecord : null,
    truncated: truncated === true,
  }
}
