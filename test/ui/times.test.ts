import { describe, expect, it } from 'vitest'
import { formatAge } from '../../src/ui/view-models/times.ts'

describe('formatAge: how long ago a run in the history was created', () => {
  const now = Date.parse('2025-01-03T10:00:10Z')
  it.each([
    { iso: '2025-01-03T10:00:08Z', text: 'just now' },
    { iso: '2025-01-03T09:59:40Z', text: '30 s ago' },
    { iso: '2025-01-03T09:55:10Z', text: '5 min ago' },
    { iso: '2025-01-03T07:00:10Z', text: '3 h ago' },
    { iso: '2025-01-02T10:00:11Z', text: '23 h ago' },
    { iso: '2025-01-02T10:00:10Z', text: '2025-01-02' },
    { iso: '2024-12-25T07:00:10Z', text: '2024-12-25' },
    { iso: '2025-01-03T10:05:00Z', text: 'just now' },
    { iso: 'garbage', text: '' },
  ])('$iso → $text', ({ iso, text }) => {
    expect(formatAge(iso, now)).toBe(text)
  })
})
