/** The filter syntax REST and realtime share, on its own (test/local/filters.test.ts drives both servers). */
import { describe, expect, it } from 'vitest'
import { parseIsValue, parseList, splitOperation, splitOutside, unquote } from '../../../local/filters/syntax.ts'

describe('splitOutside', () => {
  it.each([
    { text: 'a,b,c', parts: ['a', 'b', 'c'] },
    { text: 'a=in.(1,2),b=eq.3', parts: ['a=in.(1,2)', 'b=eq.3'] },
    { text: 'a=eq."x,y",b=eq.z', parts: ['a=eq."x,y"', 'b=eq.z'] },
    { text: 'a=eq."x\\",y",b=eq.z', parts: ['a=eq."x\\",y"', 'b=eq.z'] },
    { text: 'a=in.("(",")"),b=eq.1', parts: ['a=in.("(",")")', 'b=eq.1'] },
    { text: '', parts: [''] },
  ])('$text', ({ text, parts }) => {
    expect(splitOutside(text, ',')).toEqual(parts)
  })
})

describe('unquote', () => {
  it.each([
    { text: 'plain', value: 'plain' },
    { text: 'a"b', value: 'a"b' },
    { text: '""', value: '' },
    { text: '"a,b"', value: 'a,b' },
    { text: '"say \\"hi\\""', value: 'say "hi"' },
    { text: '"back\\\\slash"', value: 'back\\slash' },
    { text: '"\\x"', value: 'x' },
  ])('$text → $value', ({ text, value }) => {
    expect(unquote(text)).toEqual({ ok: true, value })
  })

  it.each([
    { text: '"open', reason: /unterminated/ },
    { text: '"ends with a backslash\\"', reason: /unterminated/ },
    { text: '"a"b"', reason: /unescaped quote/ },
  ])('refuses $text', ({ text, reason }) => {
    const parsed = unquote(text)
    expect(parsed.ok ? 'ok' : parsed.reason).toMatch(reason)
  })
})

describe('parseList, as PostgREST reads in.(…)', () => {
  it.each([
    { text: '()', values: [] },
    { text: '(a)', values: ['a'] },
    { text: '(a,b,c)', values: ['a', 'b', 'c'] },
    { text: '(a,,b)', values: ['a', '', 'b'] },
    { text: '("a,b",c)', values: ['a,b', 'c'] },
    { text: '("x) or (y","(",")")', values: ['x) or (y', '(', ')'] },
    { text: '("say \\"hi\\", ok","back\\\\slash")', values: ['say "hi", ok', 'back\\slash'] },
    { text: '( a, b )', values: [' a', ' b '] },
    // Quotes and backslashes inside an unquoted element are taken as written.
    { text: '(say "hi",back\\slash)', values: ['say "hi"', 'back\\slash'] },
    // A quoted stretch not followed by , or ) makes the element unquoted, quotes and all.
    { text: '("a"b,c)', values: ['"a"b', 'c'] },
    { text: '("open)', values: ['"open'] },
    { text: '(a(b,c)', values: ['a(b', 'c'] },
  ])('$text', ({ text, values }) => {
    expect(parseList(text)).toEqual({ ok: true, value: values })
  })

  it.each([
    { text: 'a,b', reason: /parenthesised list/ },
    { text: '(a,b', reason: /parenthesised list/ },
    { text: '(a)b)', reason: /unexpected "b\)" after the list/ },
    { text: '(a),(b)', reason: /unexpected ",\(b\)" after the list/ },
  ])('refuses $text', ({ text, reason }) => {
    const parsed = parseList(text)
    expect(parsed.ok ? 'ok' : parsed.reason).toMatch(reason)
  })
})

describe('parseIsValue', () => {
  it.each(['null', 'NULL', 'not_null', 'true', 'False', 'unknown'])('takes %s', (text) => {
    expect(parseIsValue(text)).toEqual({ ok: true, value: text.toLowerCase() })
  })

  it.each(['', 'nul', 'not.null', 'notnull', 'yes', 'null '])('refuses %j', (text) => {
    expect(parseIsValue(text).ok).toBe(false)
  })
})

describe('splitOperation', () => {
  it.each([
    { text: 'eq.a.b', op: { negate: false, operator: 'eq', value: 'a.b' } },
    { text: 'not.in.(1,2)', op: { negate: true, operator: 'in', value: '(1,2)' } },
    { text: 'eq.', op: { negate: false, operator: 'eq', value: '' } },
    { text: 'eq', op: { negate: false, operator: 'eq', value: null } },
    { text: 'not.is.null', op: { negate: true, operator: 'is', value: 'null' } },
  ])('$text', ({ text, op }) => {
    expect(splitOperation(text)).toEqual(op)
  })
})
