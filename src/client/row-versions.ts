/**
 * Rows as they arrive from two sources, REST and realtime, made comparable: one timestamp
 * spelling, and which of two versions of a run is the newer.
 */
import type { RunRow } from './types.ts'

/** True when `incoming` is an older version of the run than `current` (REST and realtime race). */
export function isOlderRow(incoming: RunRow, current: RunRow): boolean {
  const a = micros(incoming.updated_at)
  const b = micros(current.updated_at)
  if (a !== b) return a < b
  return (incoming.last_seq ?? 0) < (current.last_seq ?? 0)
}

/** Columns a realtime UPDATE left out (e.g. unchanged large values) keep their known value. */
export function definedFields(row: RunRow): Partial<RunRow> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined))
}

export const EVENT_TIMES = ['ts'] as const
export const ARTIFACT_TIMES = ['created_at'] as const
export const RUN_TIMES = ['created_at', 'updated_at', 'started_at', 'finished_at', 'lease_expires_at'] as const

/**
 * Realtime may spell timestamps as Postgres prints them ("2025-01-03 10:00:00.123456+00"), REST
 * as JSON does ("2025-01-03T10:00:00.123456+00:00"); rows leave the stream in the REST form, so
 * `new Date(value)` works on every one of them.
 */
export function isoTimestamp(value: string): string {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?$/.exec(value)
  return match ? `${match[1]}T${match[2]}${match[3]}:${match[4] ?? '00'}` : value
}

export function withIsoTimes<T extends object>(row: T, fields: readonly string[]): T {
  const copy = { ...row }
  for (const field of fields) {
    const value: unknown = Reflect.get(copy, field)
    if (typeof value === 'string') Object.assign(copy, { [field]: isoTimestamp(value) })
  }
  return copy
}

/**
 * A timestamptz as microseconds since the epoch. REST and realtime spell timestamps differently
 * ("2025-01-03T10:00:00.123456+00:00" / "2025-01-03 10:00:00.123456+00"); both parse the same.
 */
export function micros(timestamp: string | null | undefined): number {
  if (!timestamp) return -Infinity
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(timestamp.trim())
  if (!match) {
    const ms = Date.parse(timestamp)
    return Number.isNaN(ms) ? -Infinity : ms * 1000
  }
  const [, date, time, fraction = '', zone = 'Z'] = match
  const offset = zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const seconds = Date.parse(`${date}T${time}${offset}`)
  if (Number.isNaN(seconds)) return -Infinity
  return seconds * 1000 + Number((fraction + '000000').slice(0, 6))
}
