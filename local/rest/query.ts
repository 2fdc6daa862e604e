/**
 * Parses the PostgREST query language that postgrest-js produces: select lists, filters, order,
 * limit/offset. Everything else is refused with a message naming it, never half-understood.
 */
import { parseError, unsupported } from './errors.ts'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface SelectItem {
  column: string | '*'
  alias?: string
}

export type Operator = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'in' | 'is'

export interface Filter {
  column: string
  operator: Operator
  negate: boolean
  /** A string for comparisons, a list for `in`, null/true/false for `is`. */
  value: string | string[] | null | boolean
}

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
export const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict'])

export function parseSelect(raw: string | null): SelectItem[] {
  if (raw === null || raw.trim() === '' || raw.trim() === '*') return [{ column: '*' }]
  return splitTopLevel(raw, ',').map((part) => {
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

export function parseFilter(key: string, raw: string): Filter {
  if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
    throw unsupported(`logical filters (${key}=...)`, 'Combine conditions with separate filters (they are ANDed).')
  }
  if (key.includes('->')) throw unsupported(`JSON path filters (${key})`)
  if (/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw unsupported(`filters on embedded resources (${key})`)
  if (!IDENTIFIER.test(key)) throw parseError('filter', `"${key}" is not a column name`, `${key}=${raw}`)
  let rest = raw
  let negate = false
  if (rest.startsWith('not.')) {
    negate = true
    rest = rest.slice(4)
  }
  const dot = rest.indexOf('.')
  const op = dot === -1 ? rest : rest.slice(0, dot)
  const value = dot === -1 ? '' : rest.slice(dot + 1)
  if (!(OPERATORS as string[]).includes(op)) {
    if (KNOWN_UNSUPPORTED_OPERATORS.includes(op)) throw unsupported(`the "${op}" filter operator (${key}=${raw})`)
    throw parseError('filter', `unknown operator "${op}"; expected one of ${OPERATORS.join(', ')}`, `${key}=${raw}`)
  }
  if (dot === -1) throw parseError('filter', `operator "${op}" needs a value, e.g. ${key}=${op}.value`, `${key}=${raw}`)
  const operator = op as Operator
  if (operator === 'is') {
    const keyword = value.toLowerCase()
    const literal = ({ null: null, true: true, false: false } as Record<string, null | boolean>)[keyword]
    if (literal === undefined) throw parseError('filter', 'is takes null, true or false', `${key}=${raw}`)
    return { column: key, operator, negate, value: literal }
  }
  if (operator === 'in') {
    if (!value.startsWith('(') || !value.endsWith(')')) {
      throw parseError('filter', 'in takes a parenthesised list, e.g. in.(a,b)', `${key}=${raw}`)
    }
    const inner = value.slice(1, -1)
    return { column: key, operator, negate, value: inner === '' ? [] : splitTopLevel(inner, ',').map(unquote) }
  }
  return { column: key, operator, negate, value }
}

export function parseOrder(raw: string | null): OrderTerm[] {
  if (raw === null || raw === '') return []
  return splitTopLevel(raw, ',').map((term) => {
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

export function parseCount(name: string, raw: string | null): number | undefined {
  if (raw === null) return undefined
  if (!/^\d{1,9}$/.test(raw)) throw parseError(name, `${name} must be a non-negative integer`, raw)
  return Number(raw)
}

export function parseColumnList(name: string, raw: string | null): string[] | undefined {
  if (raw === null) return undefined
  const columns = splitTopLevel(raw, ',').map((c) => unquote(c.trim()))
  for (const column of columns) {
    if (!IDENTIFIER.test(column)) throw parseError(name, `"${column}" is not a column name`, raw)
  }
  return columns
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

/** Splits on `separator` outside double quotes and parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\\' && quoted && i + 1 < text.length) {
      current += ch + text[++i]
      continue
    }
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === '(') depth++
    else if (!quoted && ch === ')') depth--
    if (ch === separator && !quoted && depth === 0) {
      parts.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  parts.push(current)
  return parts
}

/** `"a,b"` → `a,b` with backslash escapes; bare values are returned as they are. */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1')
  }
  return value
}
