import { describe, expect, it } from 'vitest'
import { PHASE_NUMBER, phaseLabel, RUN_PHASES, STEP_PHASES } from '../../supabase/functions/_shared/vocabulary/index.ts'

describe('run phases', () => {
  it('are numbered in order from 0, and steps belong to the middle three', () => {
    expect(RUN_PHASES.map((phase) => PHASE_NUMBER[phase])).toEqual([0, 1, 2, 3, 4])
    expect(STEP_PHASES).toEqual(RUN_PHASES.slice(1, 4))
  })

  it.each([
    { phase: 'validate', expected: 'Phase 0 · validate' },
    { phase: 'execute', expected: 'Phase 2 · execute' },
    { phase: 'summarize', expected: 'Phase 4 · summarize' },
    { phase: 'cleanup', expected: 'Phase cleanup' },
    { phase: 'constructor', expected: 'Phase constructor' },
  ])('labels phase $phase "$expected"', ({ phase, expected }) => {
    expect(phaseLabel(phase)).toBe(expected)
  })
})
