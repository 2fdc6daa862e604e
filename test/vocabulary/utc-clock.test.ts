import { describe, expect, it } from 'vitest'
import { formatUtcDateTime, formatUtcSeconds, formatUtcTime } from '../../supabase/functions/_shared/vocabulary/index.ts'

describe('UTC times on shared surfaces', () => {
  it.each([
    { iso: '2025-01-03T14:05:59.999Z', time: '14:05 UTC', dateTime: '2025-01-03 14:05 UTC' },
    { iso: '2025-01-03T23:30:00-02:00', time: '01:30 UTC', dateTime: '2025-01-04 01:30 UTC' },
    { iso: 'not a time', time: null, dateTime: null },
    { iso: null, time: null, dateTime: null },
  ])('$iso', ({ iso, time, dateTime }) => {
    expect(formatUtcTime(iso)).toBe(time)
    expect(formatUtcDateTime(iso)).toBe(dateTime)
  })
})

describe('UTC times to the second (a live card’s last update)', () => {
  it.each([
    { ms: Date.parse('2025-01-03T14:02:31.999Z'), text: '14:02:31 UTC' },
    { ms: Date.parse('2025-01-03T23:59:59.000-02:00'), text: '01:59:59 UTC' },
    { ms: 0, text: '00:00:00 UTC' },
    { ms: Number.NaN, text: null },
    { ms: Number.POSITIVE_INFINITY, text: null },
  ])('$ms', ({ ms, text }) => {
    expect(formatUtcSeconds(ms)).toBe(text)
  })
})
