import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../supabase/functions/_shared/runbook/index.ts'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['0s', 0],
    [' 2s ', 2_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '30', '30 s', '5 minutes', '1d', '-1s', 's', '1s2', '1S'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull()
  })
})
