/** When a run waits at its protected environment's gate, and how the log says so. */
import { describe, expect, it } from 'vitest'
import { gateWaitLine, mustWaitAtGate, type EnvironmentRule } from '../../supabase/functions/_shared/executor/environment-gate.ts'
import { ENVIRONMENT_GATE_STEP } from '../../supabase/functions/_shared/vocabulary/index.ts'

const production: EnvironmentRule = {
  name: 'production',
  protected: true,
  required_approvals: 2,
  prevent_self_review: true,
  approver_role: 'approver',
}

describe('mustWaitAtGate', () => {
  it.each([
    ['no environment row', null, {}, false],
    ['an unprotected environment', { ...production, protected: false }, {}, false],
    ['a protected environment, never gated', production, {}, true],
    ['a protected environment, waiting', production, { [ENVIRONMENT_GATE_STEP]: { status: 'running' as const } }, true],
    ['a protected environment, rejected', production, { [ENVIRONMENT_GATE_STEP]: { status: 'failed' as const } }, true],
    ['a protected environment, approved', production, { [ENVIRONMENT_GATE_STEP]: { status: 'succeeded' as const } }, false],
    [
      'a protected environment, a template step of another id approved',
      production,
      { 'policy-approval': { status: 'succeeded' as const } },
      true,
    ],
  ])('%s → %s', (_, rule, results, waits) => {
    expect(mustWaitAtGate(rule, results)).toBe(waits)
  })
})

describe('gateWaitLine', () => {
  it('names the environment, the count, who approves and whether the starter may', () => {
    expect(gateWaitLine(production)).toBe(
      'Protected environment production: waiting for 2 approvals from approvers; the starter cannot approve',
    )
    expect(gateWaitLine({ ...production, name: 'eu', required_approvals: 1, prevent_self_review: false, approver_role: 'admin' })).toBe(
      'Protected environment eu: waiting for 1 approval from admins',
    )
  })
})
