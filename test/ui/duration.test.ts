import { describe, expect, it } from 'vitest'
import { formatAge, formatDuration, runDurationMs } from '../../src/ui/view-models/duration.ts'

describe('formatDuration', () => {
  it.each([
    { ms: -1, text: '—' },
    { ms: Number.NaN, text: '—' },
    { ms: 0, text: '0 ms' },
    { ms: 850, text: '850 ms' },
    { ms: 1000, text: '1.0 s' },
    { ms: 4270, text: '4.2 s' },
    { ms: 59_999, text: '59.9 s' },
    { ms: 60_000, text: '1 min 00 s' },
    { ms: 185_000, text: '3 min 05 s' },
    { ms: 3_720_000, text: '1 h 02 min' },
  ])('$ms ms → $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('runDurationMs', () => {
  const now = Date.parse('2025-01-03T10:00:10Z')
  it.each([
    { name: 'not started', started: null, finished: null, expected: null },
    { name: 'running', started: '2025-01-03T10:00:00Z', finished: null, expected: 10_000 },
    { name: 'finished', started: '2025-01-03T10:00:00Z', finished: '2025-01-03T10:00:02.5Z', expected: 2500 },
    { name: 'clock skew', started: '2025-01-03T10:00:20Z', finished: null, expected: 0 },
  ])('$name', ({ started, finished, expected }) => {
    expect(runDurationMs({ started_at: started, finished_at: finished }, now)).toBe(expected)
  })

  it.each([
    { iso: '2025-01-03T10:00:00Z', text: 'just now' },
    { iso: '2025-01-03T09:55:10Z', text: '5 min ago' },
    { iso: '2025-01-03T07:00:10Z', text: '3 h ago' },
    { iso: '2024-12-25T07:00:10Z', text: '2024-12-25' },
    { iso: 'garbage', text: '' },
  ])('age of $iso → $text', ({ iso, text }) => {
    expect(formatAge(iso, now)).toBe(text)
  })
})
