/**
 * postgres_changes filters: `column=op.value`, several joined by commas (AND), each optionally
 * negated with `not.`, in the filter syntax REST uses too (local/filters). Realtime reads a single
 * value as realtime-js's postgresChangesFilter() writes it: double-quoted and escaped when it holds
 * a comma, parenthesis, quote, backslash or edge spaces (`title=eq."a,b"`), so it is unquoted here;
 * PostgREST takes the same text as written. Real Realtime casts both sides to the column's type and
 * compares in SQL; here the filter value is cast once at join time by the database (so a bad value
 * is refused there) and each change is compared in JS, which avoids one query per change.
 * Unsupported operators and column types are refused at join time rather than matched wrongly.
 */
import { parseIsValue, parseList, splitOperation, splitOutside, unquote, type IsValue, type Parsed } from '../filters/syntax.ts'

const FILTER_OPERATORS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'is'] as const
type FilterOperator = (typeof FILTER_OPERATORS)[number]
/** Real Realtime's limit for one `in` list. */
const MAX_IN_VALUES = 100

/** One parsed condition; `values` are still text (one value, or the `in` list; none for `is`). */
export interface Condition {
  column: string
  operator: FilterOperator
  negate: boolean
  values: string[]
  /** For `is`: the keyword. */
  isValue?: IsValue
}

function parseCondition(text: string): Parsed<Condition> {
  const eq = text.indexOf('=')
  if (eq <= 0) return { ok: false, reason: `expected column=operator.value, got "${text}"` }
  const column = text.slice(0, eq).trim()
  const { negate, operator: op, value: raw } = splitOperation(text.slice(eq + 1))
  if (raw === null || op === '') {
    return { ok: false, reason: `expected operator.value after "${column}=", got "${text.slice(eq + 1)}"` }
  }
  const operator = FILTER_OPERATORS.find((known) => known === op)
  if (operator === undefined) {
    return { ok: false, reason: `operator "${op}" is not supported by the local stack; use one of ${FILTER_OPERATORS.join(', ')}` }
  }
  if (operator === 'is') {
    const keyword = parseIsValue(raw)
    return keyword.ok ? { ok: true, value: { column, operator, negate, values: [], isValue: keyword.value } } : keyword
  }
  if (operator === 'in') {
    const list = parseList(raw)
    if (!list.ok) return list
    // realtime-js refuses an empty list before sending it; so does the stack, rather than match nothing.
    if (list.value.length === 0) return { ok: false, reason: 'in needs at least one value' }
    if (list.value.length > MAX_IN_VALUES) return { ok: false, reason: `too many values for in: at most ${MAX_IN_VALUES}` }
    return { ok: true, value: { column, operator, negate, values: list.value } }
  }
  const value = unquote(raw)
  return value.ok ? { ok: true, value: { column, operator, negate, values: [value.value] } } : value
}

export function parseFilter(text: string): Parsed<Condition[]> {
  if (text.trim() === '') return { ok: false, reason: 'filter is empty' }
  const conditions: Condition[] = []
  for (const part of splitOutside(text, ',')) {
    const condition = parseCondition(part)
    if (!condition.ok) return condition
    conditions.push(condition.value)
  }
  return { ok: true, value: conditions }
}

// ---- Comparing values -------------------------------------------------------------------------

/** How values of a column compare; anything else cannot be filtered on. */
export type CompareKind = 'number' | 'boolean' | 'timestamp' | 'text' | 'equality'

/**
 * From pg_type's typcategory and name: numbers, booleans, date/times and strings compare; enums
 * and network types only by equality (their order is not the text order); json, arrays, ranges
 * and the like are refused.
 */
export function compareKind(category: string, typeName: string): CompareKind | undefined {
  if (typeName === 'json' || typeName === 'jsonb' || typeName === 'money') return undefined
  switch (category) {
    case 'N':
      return 'number'
    case 'B':
      return 'boolean'
    case 'D':
      return ['timestamptz', 'timestamp', 'date'].includes(typeName) ? 'timestamp' : 'text'
    case 'S':
      return 'text'
    case 'U':
      // uuid's order is the order of its lowercase hex text.
      return typeName === 'uuid' ? 'text' : 'equality'
    case 'E':
    case 'I':
      return 'equality'
    default:
      return undefined
  }
}

const TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?(?:(Z)|([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/

/**
 * Microseconds since the epoch of a to_jsonb timestamp/timestamptz/date, so that values written
 * in different time zones and with microseconds compare exactly; naive timestamps are read as UTC
 * on both sides, which keeps their order.
 */
export function timestampMicros(text: string): number | undefined {
  if (text === 'infinity') return Infinity
  if (text === '-infinity') return -Infinity
  const m = TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0', os = '0'] = m
  const utcMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os))
  const micros = Number(frac.padEnd(6, '0'))
  return (utcMs - offsetSeconds * 1000) * 1000 + micros
}

type Key = number | string

/** The comparable form of a JSON value of the given kind; undefined means "not comparable". */
export function comparable(kind: CompareKind, value: unknown): Key | undefined {
  if (value === null || value === undefined) return undefined
  switch (kind) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value)
      return Number.isNaN(n) ? undefined : n
    }
    case 'boolean':
      return value === true || value === 't' || value === 'true' ? 1 : value === false || value === 'f' || value === 'false' ? 0 : undefined
    case 'timestamp':
      return typeof value === 'string' ? (timestampMicros(value) ?? value) : undefined
    default:
      return typeof value === 'string' ? value : JSON.stringify(value)
  }
}

/** A condition ready to run: its column's compare kind and the cast, comparable values. */
export interface CompiledCondition {
  column: string
  operator: FilterOperator
  negate: boolean
  kind: CompareKind
  /** For `is`: the keyword. */
  isValue?: IsValue
  keys: Key[]
}

function test(condition: CompiledCondition, value: unknown): boolean {
  if (condition.operator === 'is') {
    const missing = value === null || value === undefined
    const is =
      condition.isValue === 'null' || condition.isValue === 'unknown'
        ? missing
        : condition.isValue === 'not_null'
          ? !missing
          : comparable('boolean', value) === (condition.isValue === 'true' ? 1 : 0)
    return condition.negate ? !is : is
  }
  // SQL semantics: a comparison with NULL is NULL, which no filter (negated or not) lets through.
  const key = comparable(condition.kind, value)
  if (key === undefined) return false
  const [first] = condition.keys
  let result: boolean
  switch (condition.operator) {
    case 'eq':
      result = key === first
      break
    case 'neq':
      result = key !== first
      break
    case 'lt':
      result = key < first
      break
    case 'lte':
      result = key <= first
      break
    case 'gt':
      result = key > first
      break
    case 'gte':
      result = key >= first
      break
    case 'in':
      result = condition.keys.includes(key)
      break
  }
  return condition.negate ? !result : result
}

/**
 * Real Realtime joins the filters with the row's columns, so a condition on a column the row does
 * not carry (a DELETE's old row holds only the key) is skipped, and a row that carries none of the
 * filtered columns does not pass.
 */
export function matchesFilter(conditions: CompiledCondition[], row: Record<string, unknown> | null | undefined): boolean {
  if (!row) return false
  let applied = 0
  for (const condition of conditions) {
    if (!(condition.column in row)) continue
    applied++
    if (!test(condition, row[condition.column])) return false
  }
  return applied > 0
}
