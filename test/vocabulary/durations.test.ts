import { describe, expect, it } from 'vitest'
import { formatAgo, formatDuration, formatRunDuration, runDurationMs } from '../../supabase/functions/_shared/vocabulary/index.ts'

describe('formatDuration', () => {
  it.each([
    { ms: 0, text: '0 ms' },
    { ms: 850, text: '850 ms' },
    { ms: 999, text: '999 ms' },
    { ms: 999.7, text: '999 ms' },
    { ms: 1000, text: '1.0 s' },
    { ms: 4270, text: '4.2 s' },
    { ms: 59_960, text: '59.9 s' },
    { ms: 59_999, text: '59.9 s' },
    { ms: 60_000, text: '1 min 00 s' },
    { ms: 119_600, text: '1 min 59 s' },
    { ms: 120_000, text: '2 min 00 s' },
    { ms: 185_000, text: '3 min 05 s' },
    { ms: 3_599_999, text: '59 min 59 s' },
    { ms: 3_600_000, text: '1 h 00 min' },
    { ms: 3_720_000, text: '1 h 02 min' },
    { ms: 90_000_000, text: '25 h 00 min' },
    { ms: -1, text: '—' },
    { ms: Number.NaN, text: '—' },
    { ms: Number.POSITIVE_INFINITY, text: '—' },
    { ms: Number.NEGATIVE_INFINITY, text: '—' },
  ])('$ms ms → $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('never shows a unit at its overflow value', () => {
    for (let ms = 0; ms < 7_300_000; ms += 97) {
      const text = formatDuration(ms)
      expect(text, `${ms} ms`).not.toMatch(/\b60(\.\d)? s|\b60 min|\b1000 ms/)
    }
  })
})

describe('formatAgo', () => {
  it.each([
    { ms: -30_000, text: 'just now' },
    { ms: 0, text: 'just now' },
    { ms: 4_999, text: 'just now' },
    { ms: 12_000, text: '12 s ago' },
    { ms: 59_999, text: '59 s ago' },
    { ms: 60_000, text: '1 min ago' },
    { ms: 125_000, text: '2 min ago' },
    { ms: 3_599_999, text: '59 min ago' },
    { ms: 7_200_000, text: '2 h ago' },
    { ms: 172_800_000, text: '2 d ago' },
    { ms: Number.NaN, text: '—' },
  ])('$ms ms ago → $text', ({ ms, text }) => {
    expect(formatAgo(ms)).toBe(text)
  })
})

describe('run durations', () => {
  const now = Date.parse('2025-01-03T10:00:10Z')
  it.each([
    { name: 'not started', started: null, finished: null, ms: null, text: 'not started' },
    { name: 'running', started: '2025-01-03T10:00:00Z', finished: null, ms: 10_000, text: '10.0 s' },
    { name: 'finished', started: '2025-01-03T10:00:00Z', finished: '2025-01-03T10:00:02.5Z', ms: 2500, text: '2.5 s' },
    { name: 'clock skew', started: '2025-01-03T10:00:20Z', finished: null, ms: 0, text: '0 ms' },
    { name: 'unreadable', started: 'soon', finished: null, ms: null, text: 'not started' },
  ])('$name', ({ started, finished, ms, text }) => {
    expect(runDurationMs(started, finished, now)).toBe(ms)
    expect(formatRunDuration(started, finished, now)).toBe(text)
  })
})
