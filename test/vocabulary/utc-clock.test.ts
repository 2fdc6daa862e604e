import { describe, expect, it } from 'vitest'
import { formatUtcDateTime, formatUtcTime } from '../../supabase/functions/_shared/vocabulary/index.ts'

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
