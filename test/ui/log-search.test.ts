import { describe, expect, it } from 'vitest'
import type { EventRow } from '../../src/client/types.ts'
import { highlightSegments, matchCounter, matchingSeqs, stepMatch } from '../../src/ui/view-models/log-search.ts'

const events = [
  'Claimed by executor',
  'GET https://x/auth/v1/health answered 200',
  'Step dispatch: DRY RUN',
  'dry run skipped',
  '<img src=x onerror=alert(1)>',
].map((message, i): EventRow => ({
  id: i + 1,
  run_id: 'r',
  seq: i + 1,
  ts: '',
  level: 'info',
  source: 'executor',
  phase: null,
  step_id: null,
  message,
  data: null,
}))

describe('matchingSeqs', () => {
  it.each([
    { query: '', expected: [] },
    { query: '   ', expected: [] },
    { query: 'dry run', expected: [3, 4] },
    { query: 'DRY RUN', expected: [3, 4] },
    { query: '  health ', expected: [2] },
    { query: '/auth/v1/', expected: [2] },
    { query: '(1)', expected: [5] },
    { query: '.*', expected: [] },
    { query: 'nothing like this', expected: [] },
  ])('"$query" → $expected', ({ query, expected }) => {
    expect(matchingSeqs(events, query)).toEqual(expected)
  })
})

describe('highlightSegments', () => {
  it.each([
    { text: 'plain line', query: '', expected: [{ text: 'plain line', match: false }] },
    { text: '', query: 'x', expected: [] },
    {
      text: 'Dry run, dry RUN',
      query: 'dry run',
      expected: [
        { text: 'Dry run', match: true },
        { text: ', ', match: false },
        { text: 'dry RUN', match: true },
      ],
    },
    {
      text: 'aaa',
      query: 'aa',
      expected: [
        { text: 'aa', match: true },
        { text: 'a', match: false },
      ],
    },
    {
      text: 'x <b>y</b>',
      query: '<b>',
      expected: [
        { text: 'x ', match: false },
        { text: '<b>', match: true },
        { text: 'y</b>', match: false },
      ],
    },
    { text: 'no hit', query: 'zzz', expected: [{ text: 'no hit', match: false }] },
  ])('"$text" with "$query"', ({ text, query, expected }) => {
    expect(highlightSegments(text, query)).toEqual(expected)
  })

  it('keeps every character of the line', () => {
    const text = 'GET https://x/auth/v1/health answered 200 — health ok'
    expect(
      highlightSegments(text, 'health')
        .map((segment) => segment.text)
        .join(''),
    ).toBe(text)
  })
})

describe('stepMatch', () => {
  it.each([
    { current: -1, total: 0, direction: 1 as const, expected: -1 },
    { current: -1, total: 3, direction: 1 as const, expected: 0 },
    { current: -1, total: 3, direction: -1 as const, expected: 2 },
    { current: 0, total: 3, direction: 1 as const, expected: 1 },
    { current: 2, total: 3, direction: 1 as const, expected: 0 },
    { current: 0, total: 3, direction: -1 as const, expected: 2 },
    { current: 7, total: 3, direction: 1 as const, expected: 0 },
  ])('$current of $total, $direction → $expected', ({ current, total, direction, expected }) => {
    expect(stepMatch(current, total, direction)).toBe(expected)
  })

  it.each([
    { current: 0, total: 0, expected: 'No matches' },
    { current: 0, total: 4, expected: '1 of 4' },
    { current: -1, total: 4, expected: '0 of 4' },
    { current: 3, total: 4, expected: '4 of 4' },
  ])('counter $current/$total → $expected', ({ current, total, expected }) => {
    expect(matchCounter(current, total)).toBe(expected)
  })

  it.each([
    { current: -1, total: 0, expected: 'Searching…' },
    { current: -1, total: 4, expected: '0 of 4 so far' },
    { current: 1, total: 4, expected: '2 of 4 so far' },
  ])('counter $current/$total while the search is still reading the log → $expected', ({ current, total, expected }) => {
    expect(matchCounter(current, total, true)).toBe(expected)
  })
})
