/**
 * Reads a phx_join payload's `config` into bindings, checking each one against the catalog so
 * that a typo fails the join with a reason (the client then reports CHANNEL_ERROR) instead of
 * subscribing to something that never fires.
 */
import type { Binding } from './binding.ts'
import { BINDING_EVENTS, bindingId, isBindingEvent } from './binding.ts'
import type { Catalog, TableInfo } from './catalog.ts'
import type { CompiledCondition } from './filter.ts'
import { comparable, compareKind, parseFilter } from './filter.ts'
import { isJsonObject } from '../json-object.ts'

export type JoinConfig =
  | {
      ok: true
      bindings: Binding[]
      /** `config.private`: the join is authorised by the RLS policies on realtime.messages. */
      private: boolean
      /** `config.broadcast` was given: the channel receives Broadcast messages. */
      broadcast: boolean
    }
  | { ok: false; reason: string }

/** More bindings than any real screen needs; the cap keeps one join from costing unbounded work. */
const MAX_BINDINGS = 100
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string')

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason })

export async function readJoinConfig(payload: Record<string, unknown>, catalog: Catalog): Promise<JoinConfig> {
  const config = payload.config ?? {}
  if (!isJsonObject(config)) return fail('config must be an object')
  if (config.private !== undefined && typeof config.private !== 'boolean') return fail('config.private must be true or false')
  if (config.broadcast !== undefined && !isJsonObject(config.broadcast)) return fail('config.broadcast must be an object')
  const raw = config.postgres_changes ?? []
  if (!Array.isArray(raw)) return fail('config.postgres_changes must be an array')
  if (raw.length > MAX_BINDINGS) return fail(`at most ${MAX_BINDINGS} postgres_changes bindings per channel`)
  const bindings: Binding[] = []
  for (const [i, entry] of raw.entries()) {
    const binding = await readBinding(entry, catalog)
    if (!binding.ok) return fail(`postgres_changes[${i}]: ${binding.reason}`)
    bindings.push(binding.binding)
  }
  return { ok: true, bindings, private: config.private === true, broadcast: config.broadcast !== undefined }
}

type Read = { ok: true; binding: Binding } | { ok: false; reason: string }

async function readBinding(entry: unknown, catalog: Catalog): Promise<Read> {
  if (!isJsonObject(entry)) return fail('a binding must be an object like {event, schema, table, filter}')
  const { event, schema, table, filter, select } = entry
  const normalizedEvent = typeof event === 'string' ? event.toUpperCase() : undefined
  if (!isBindingEvent(normalizedEvent)) {
    return fail(`event must be one of ${BINDING_EVENTS.join(', ')}, got ${JSON.stringify(event)}`)
  }
  if (typeof schema !== 'string' || schema === '') return fail('schema is required')
  if (table !== undefined && table !== null && (typeof table !== 'string' || table === '')) {
    return fail('table must be a non-empty string when given')
  }
  if (filter !== undefined && filter !== null && typeof filter !== 'string') return fail('filter must be a string')
  if (select !== undefined && select !== null && !isTextList(select)) {
    return fail('select must be an array of column names')
  }
  const tableName = typeof table === 'string' && table !== '*' ? table : undefined
  const filterText = typeof filter === 'string' && filter !== '' ? filter : undefined
  const columns = isTextList(select) ? select : undefined

  let info: TableInfo | undefined
  if (schema === '*') {
    if (tableName) return fail('a table needs a schema; schema "*" covers every published table')
  } else if (!(await catalog.schemaExists(schema))) {
    return fail(`schema "${schema}" does not exist`)
  }
  if (tableName) {
    info = await catalog.table(schema, tableName, true)
    if (!info) return fail(`relation "${schema}.${tableName}" does not exist`)
    if (!info.published) {
      return fail(
        `table ${schema}.${tableName} is not in the supabase_realtime publication; ` +
          `enable it with: alter publication supabase_realtime add table ${schema}.${tableName}`,
      )
    }
  } else {
    const published = await catalog.publishedTables(schema === '*' ? undefined : schema)
    if (published.length === 0) {
      return fail(`no table${schema === '*' ? '' : ` of schema "${schema}"`} is in the supabase_realtime publication`)
    }
  }

  let conditions: CompiledCondition[] | undefined
  if (filterText) {
    if (!info) return fail('a filter needs a table')
    const compiled = await compileFilter(filterText, info, catalog)
    if (!compiled.ok) return compiled
    conditions = compiled.conditions
  }
  if (columns) {
    if (!info) return fail('select needs a table')
    if (columns.length === 0) return fail('select needs at least one column')
    const unknown = columns.find((name) => !info.byName.has(name))
    if (unknown !== undefined) return fail(`column "${unknown}" of select does not exist in ${schema}.${tableName}`)
  }

  return {
    ok: true,
    binding: {
      id: bindingId({ event: normalizedEvent, schema, table: tableName, filter: filterText, select: columns }),
      reply: { ...entry },
      event: normalizedEvent,
      schema,
      table: tableName,
      conditions,
      select: columns,
    },
  }
}

async function compileFilter(
  text: string,
  info: TableInfo,
  catalog: Catalog,
): Promise<{ ok: true; conditions: CompiledCondition[] } | { ok: false; reason: string }> {
  const where = `${info.schema}.${info.table}`
  const parsed = parseFilter(text)
  if (!parsed.ok) return fail(`invalid filter "${text}": ${parsed.reason}`)
  const conditions: CompiledCondition[] = []
  for (const condition of parsed.value) {
    const column = info.byName.get(condition.column)
    if (!column) return fail(`invalid filter "${text}": column "${condition.column}" does not exist in ${where}`)
    const kind = compareKind(column.category, column.type)
    if (condition.operator === 'is') {
      // As in SQL: IS TRUE, IS FALSE and IS UNKNOWN need a boolean; IS [NOT] NULL takes any type.
      if (condition.isValue !== 'null' && condition.isValue !== 'not_null' && column.category !== 'B') {
        return fail(`invalid filter "${text}": is.${condition.isValue} needs a boolean column; ${column.name} is ${column.type}`)
      }
      conditions.push({ ...condition, kind: kind ?? 'equality', keys: [] })
      continue
    }
    if (!kind) {
      return fail(`invalid filter "${text}": filtering on ${column.name} (${column.type}) is not supported by the local stack`)
    }
    if (kind === 'equality' && !['eq', 'neq', 'in'].includes(condition.operator)) {
      return fail(`invalid filter "${text}": ${column.name} (${column.type}) only supports eq, neq and in`)
    }
    const cast = await catalog.castValues(condition.values, column.sqlType)
    if (!cast.ok) return fail(`invalid filter "${text}": ${cast.message}`)
    const keys: (string | number)[] = []
    for (const value of cast.values) {
      const key = comparable(kind, value)
      if (key === undefined) return fail(`invalid filter "${text}": a value for ${column.name} (${column.type}) cannot be compared`)
      keys.push(key)
    }
    conditions.push({ ...condition, kind, keys })
  }
  return { ok: true, conditions }
}
