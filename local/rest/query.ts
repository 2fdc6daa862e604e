/**
 * Parses the PostgREST query language that postgrest-js produces: select lists, filters, order,
 * limit/offset. Everything else is refused with a message naming it, never half-understood.
 */
import { parseIsValue, parseList, splitOperation, splitOutside, unquote, type IsValue, type Parsed } from '../filters/syntax.ts'
import { parseError, unsupported } from './errors.ts'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface SelectItem {
  /** A column name, or `*` for all of them. */
  column: string
  alias?: string
}

type Operator = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'in' | 'is'

/** A comparison keeps its value as written: PostgREST does not unquote it. */
export type Filter = { column: string; negate: boolean } & (
  { operator: 'is'; value: IsValue } | { operator: 'in'; value: string[] } | { operator: Exclude<Operator, 'is' | 'in'>; value: string }
)

export interface OrderTerm {
  column: string
  descending: boolean
  nulls?: 'first' | 'last'
}

export interface ReadQuery {
  select: SelectItem[]
  filters: Filter[]
  order: OrderTerm[]
  limit?: number
  offset?: number
}

const OPERATORS: Operator[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'in', 'is']
const KNOWN_UNSUPPORTED_OPERATORS = [
  'match',
  'imatch',
  'fts',
  'plfts',
  'phfts',
  'wfts',
  'cs',
  'cd',
  'ov',
  'sl',
  'sr',
  'nxr',
  'nxl',
  'adj',
  'isdistinct',
  'like(any)',
  'like(all)',
]
/** Query keys that are not filters. */
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict'])

function parseSelect(raw: string | null): SelectItem[] {
  if (raw === null || raw.trim() === '' || raw.trim() === '*') return [{ column: '*' }]
  return splitOutside(raw, ',').map((part) => {
    const item = part.trim()
    if (item.includes('(')) throw unsupported(`embedded resources in select (${item})`, 'Query the related table separately.')
    if (item.includes('::')) throw unsupported(`casts in select (${item})`)
    if (item.includes('->')) throw unsupported(`JSON paths in select (${item})`)
    if (item === '*') return { column: '*' }
    const [alias, column] = item.includes(':') ? item.split(':', 2) : [undefined, item]
    if (!IDENTIFIER.test(column) || (alias !== undefined && !IDENTIFIER.test(alias))) {
      throw parseError('select', `"${item}" is not a column name`, raw)
    }
    return alias === undefined ? { column } : { column, alias }
  })
}

function parseFilter(key: string, raw: string): Filter {
  if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
    throw unsupported(`logical filters (${key}=...)`, 'Combine conditions with separate filters (they are ANDed).')
  }
  if (key.includes('->')) throw unsupported(`JSON path filters (${key})`)
  if (/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw unsupported(`filters on embedded resources (${key})`)
  if (!IDENTIFIER.test(key)) throw parseError('filter', `"${key}" is not a column name`, `${key}=${raw}`)
  const { negate, operator: op, value } = splitOperation(raw)
  const operator = OPERATORS.find((known) => known === op)
  if (operator === undefined) {
    if (KNOWN_UNSUPPORTED_OPERATORS.includes(op)) throw unsupported(`the "${op}" filter operator (${key}=${raw})`)
    throw parseError('filter', `unknown operator "${op}"; expected one of ${OPERATORS.join(', ')}`, `${key}=${raw}`)
  }
  if (value === null) throw parseError('filter', `operator "${op}" needs a value, e.g. ${key}=${op}.value`, `${key}=${raw}`)
  const valid = <T>(parsed: Parsed<T>): T => {
    if (!parsed.ok) throw parseError('filter', parsed.reason, `${key}=${raw}`)
    return parsed.value
  }
  if (operator === 'is') return { column: key, operator, negate, value: valid(parseIsValue(value)) }
  if (operator === 'in') return { column: key, operator, negate, value: valid(parseList(value)) }
  return { column: key, operator, negate, value }
}

function parseOrder(raw: string | null): OrderTerm[] {
  if (raw === null || raw === '') return []
  return splitOutside(raw, ',').map((term) => {
    const [column, ...modifiers] = term.trim().split('.')
    if (column.includes('(')) throw unsupported(`ordering by embedded resources (${term})`)
    if (!IDENTIFIER.test(column)) throw parseError('order', `"${column}" is not a column name`, raw)
    const result: OrderTerm = { column, descending: false }
    for (const modifier of modifiers) {
      if (modifier === 'asc') result.descending = false
      else if (modifier === 'desc') result.descending = true
      else if (modifier === 'nullsfirst') result.nulls = 'first'
      else if (modifier === 'nullslast') result.nulls = 'last'
      else throw parseError('order', `unknown modifier "${modifier}"; expected asc, desc, nullsfirst or nullslast`, raw)
    }
    return result
  })
}

function parseCount(name: string, raw: string | null): number | undefined {
  if (raw === null) return undefined
  if (!/^\d{1,9}$/.test(raw)) throw parseError(name, `${name} must be a non-negative integer`, raw)
  return Number(raw)
}

export function parseColumnList(name: string, raw: string | null): string[] | undefined {
  if (raw === null) return undefined
  return splitOutside(raw, ',').map((part) => {
    const column = unquote(part.trim())
    if (!column.ok) throw parseError(name, column.reason, raw)
    if (!IDENTIFIER.test(column.value)) throw parseError(name, `"${column.value}" is not a column name`, raw)
    return column.value
  })
}

export function parseReadQuery(params: URLSearchParams, skip: Set<string> = new Set()): ReadQuery {
  const filters: Filter[] = []
  for (const [key, value] of params) {
    if (RESERVED.has(key) || skip.has(key)) continue
    filters.push(parseFilter(key, value))
  }
  return {
    select: parseSelect(params.get('select')),
    filters,
    order: parseOrder(params.get('order')),
    limit: parseCount('limit', params.get('limit')),
    offset: parseCount('offset', params.get('offset')),
  }
}
