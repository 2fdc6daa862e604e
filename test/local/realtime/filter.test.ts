/** The filter grammar and value comparison on their own (the client-driven tests cover the wiring). */
import { describe, expect, it } from 'vitest'
import { comparable, matchesFilter, parseFilter, timestampMicros, type CompiledCondition } from '../../../local/realtime/filter.ts'

describe('realtime filter parsing', () => {
  it('reads conditions, negation, quoted values and in-lists as the client writes them', () => {
    const parsed = parseFilter('run_id=in.(a,"b,c","d \\"e\\"",f),seq=not.gte.5,title=eq."x,y",step_id=is.NULL')
    expect(parsed).toEqual({
      ok: true,
      value: [
        { column: 'run_id', operator: 'in', negate: false, values: ['a', 'b,c', 'd "e"', 'f'] },
        { column: 'seq', operator: 'gte', negate: true, values: ['5'] },
        { column: 'title', operator: 'eq', negate: false, values: ['x,y'] },
        { column: 'step_id', operator: 'is', negate: false, values: [], isValue: 'null' },
      ],
    })
  })

  it('says what is wrong with a bad filter', () => {
    const reason = (text: string) => {
      const parsed = parseFilter(text)
      return parsed.ok ? 'ok' : parsed.reason
    }
    expect(reason('')).toMatch(/empty/)
    expect(reason('id')).toMatch(/expected column=operator.value/)
    expect(reason('id=5')).toMatch(/expected operator.value/)
    expect(reason('id=ilike.x')).toMatch(/operator "ilike" is not supported/)
    expect(reason('id=in.a,b')).toMatch(/parenthesised list/)
    expect(reason('id=eq."open')).toMatch(/unterminated/)
    expect(reason('done=is.maybe')).toMatch(/is takes null, not_null, true, false or unknown/)
    expect(reason('id=in.(a)b)')).toMatch(/unexpected "b\)" after the list/)
    expect(reason(`n=in.(${Array.from({ length: 101 }, (_, i) => i).join(',')})`)).toMatch(/at most 100/)
  })
})

describe('realtime filter matching', () => {
  const condition = (
    c: Partial<CompiledCondition> & Pick<CompiledCondition, 'column' | 'operator' | 'kind' | 'keys'>,
  ): CompiledCondition => ({
    negate: false,
    ...c,
  })

  it('compares timestamps by instant, to the microsecond, whatever the offset', () => {
    expect(timestampMicros('2025-01-01T10:00:00.000001+02:00')).toBe(timestampMicros('2025-01-01T08:00:00.000001+00:00'))
    expect(timestampMicros('2025-01-01T08:00:00.000002+00:00')! - timestampMicros('2025-01-01T08:00:00.000001Z')!).toBe(1)
    expect(timestampMicros('2025-01-01')).toBe(Date.UTC(2025, 0, 1) * 1000)
    const after = condition({
      column: 'ts',
      operator: 'gt',
      kind: 'timestamp',
      keys: [comparable('timestamp', '2025-01-01T00:00:00+00:00')!],
    })
    expect(matchesFilter([after], { ts: '2025-01-01T00:30:00.5+01:00' })).toBe(false)
    expect(matchesFilter([after], { ts: '2025-01-01T00:30:00.5+00:00' })).toBe(true)
  })

  it('lets no comparison with NULL through, negated or not, except is', () => {
    const eq = condition({ column: 'n', operator: 'eq', kind: 'number', keys: [1] })
    const notEq = { ...eq, negate: true }
    const isNull = condition({ column: 'n', operator: 'is', kind: 'number', keys: [], isValue: 'null' })
    expect(matchesFilter([eq], { n: null })).toBe(false)
    expect(matchesFilter([notEq], { n: null })).toBe(false)
    expect(matchesFilter([notEq], { n: 2 })).toBe(true)
    expect(matchesFilter([isNull], { n: null })).toBe(true)
    expect(matchesFilter([{ ...isNull, negate: true }], { n: null })).toBe(false)
  })

  it('skips conditions on columns the row lacks, and passes no row that has none of them', () => {
    const byId = condition({ column: 'id', operator: 'eq', kind: 'number', keys: [5] })
    const byStatus = condition({ column: 'status', operator: 'eq', kind: 'text', keys: ['done'] })
    expect(matchesFilter([byId, byStatus], { id: 5 })).toBe(true)
    expect(matchesFilter([byStatus], { id: 5 })).toBe(false)
  })
})
