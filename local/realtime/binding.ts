/**
 * One postgres_changes binding of a joined channel: which changes it wants and the id the client
 * routes them by. The client matches `ids` in each change against the ids of its bindings, so an
 * id must be stable for the same parameters (a rejoin gets the same ids) and must not be 0 (the
 * client treats a falsy id as "no id").
 */
import type { CompiledCondition } from './filter.ts'
import { matchesFilter } from './filter.ts'

const CHANGE_TYPES = ['INSERT', 'UPDATE', 'DELETE'] as const
export type ChangeType = (typeof CHANGE_TYPES)[number]

/** What a binding's `event` may be: one kind of change, or `*` for all of them. */
export const BINDING_EVENTS = ['*', ...CHANGE_TYPES] as const
export type BindingEvent = (typeof BINDING_EVENTS)[number]

export const isChangeType = (value: unknown): value is ChangeType => CHANGE_TYPES.some((type) => type === value)
export const isBindingEvent = (value: unknown): value is BindingEvent => BINDING_EVENTS.some((event) => event === value)

export interface Binding {
  id: number
  /** The binding exactly as the client sent it, plus `id`: the join reply echoes it. */
  reply: Record<string, unknown>
  event: BindingEvent
  /** A schema name or `*`. */
  schema: string
  /** A table name; undefined or `*` for every published table of the schema. */
  table?: string
  conditions?: CompiledCondition[]
  /** Columns to keep in the payload (`select`), or undefined for all. */
  select?: string[]
}

/**
 * 32-bit FNV-1a of the binding's parameters, folded into a positive 31-bit integer. Real Realtime
 * hashes the parameters too (phash2), so equal bindings get equal ids across joins and sockets.
 */
export function bindingId(params: { event: string; schema: string; table?: string; filter?: string; select?: string[] }): number {
  const text = JSON.stringify([params.event, params.schema, params.table ?? null, params.filter ?? null, params.select ?? null])
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 1 || 1
}

/** Whether changes of this kind on this table can concern the binding, before looking at rows. */
export function wantsTable(binding: Binding, schema: string, table: string, type: ChangeType): boolean {
  if (binding.event !== '*' && binding.event !== type) return false
  if (binding.schema !== '*' && binding.schema !== schema) return false
  return binding.table === undefined || binding.table === '*' || binding.table === table
}

/**
 * Whether the change passes the binding's filter. INSERT and UPDATE are filtered on the new row;
 * a DELETE on its old row, which carries only the key, as in real Realtime.
 */
export function passesFilter(
  binding: Binding,
  type: ChangeType,
  record: Record<string, unknown> | null | undefined,
  oldKey: Record<string, unknown>,
): boolean {
  if (!binding.conditions) return true
  return matchesFilter(binding.conditions, type === 'DELETE' ? oldKey : record)
}
