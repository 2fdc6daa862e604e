/** SQL fragments for REST requests: identifiers are always quoted, values always parameters. */
import type { IsValue } from '../filters/syntax.ts'
import type { Filter, OrderTerm, SelectItem } from './query.ts'

export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`
export const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`

export class Params {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

function selectList(items: SelectItem[], alias = '_t'): string {
  return items
    .map((item) => (item.column === '*' ? `${alias}.*` : `${alias}.${ident(item.column)}${item.alias ? ` as ${ident(item.alias)}` : ''}`))
    .join(', ')
}

const IS_SQL: Record<IsValue, string> = { null: 'null', not_null: 'not null', true: 'true', false: 'false', unknown: 'unknown' }

const COMPARISON: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike' }

export function whereClause(filters: Filter[], params: Params, alias = '_t'): string {
  if (filters.length === 0) return ''
  const conditions = filters.map((filter) => {
    const column = `${alias}.${ident(filter.column)}`
    let condition: string
    switch (filter.operator) {
      case 'is':
        condition = `${column} is ${IS_SQL[filter.value]}`
        break
      case 'in':
        condition = filter.value.length === 0 ? 'false' : `${column} = any(${params.add(filter.value)})`
        break
      case 'like':
      case 'ilike':
        // PostgREST lets URLs use * for %, which would otherwise need escaping.
        condition = `${column} ${COMPARISON[filter.operator]} ${params.add(filter.value.replaceAll('*', '%'))}`
        break
      default:
        condition = `${column} ${COMPARISON[filter.operator]} ${params.add(filter.value)}`
    }
    return filter.negate ? `not (${condition})` : condition
  })
  return `where ${conditions.join(' and ')}`
}

export function orderClause(order: OrderTerm[], alias = '_t'): string {
  if (order.length === 0) return ''
  return `order by ${order
    .map((term) => `${alias}.${ident(term.column)} ${term.descending ? 'desc' : 'asc'}${term.nulls ? ` nulls ${term.nulls}` : ''}`)
    .join(', ')}`
}

/** Wraps a row source into one JSON array and a row count, so the body is built by Postgres. */
export function aggregate(source: string, items: SelectItem[]): string {
  return `select coalesce(json_agg(_r), '[]')::text as body, count(*)::int as n from (select ${selectList(items)} from ${source}) as _r`
}
