import { describe, expect, it } from 'vitest'
import { evaluateCondition, parseCondition } from '../../../supabase/functions/_shared/runbook/index.ts'

const scope = { env: 'production', inputs: { service: 'web', replicas: 3, force: false, note: '' } }

describe('parseCondition and evaluateCondition', () => {
  it.each([
    ["env == 'production'", true],
    ['env == "production"', true],
    ["env != 'production'", false],
    ["env in ['staging', 'production']", true],
    ["env not in ['staging', 'production']", false],
    ["not env in ['staging']", true],
    ["env == 'production' and inputs.service == 'api'", false],
    ["env == 'production' && inputs.service == 'web'", true],
    ["env == 'staging' or inputs.replicas == 3", true],
    ["env == 'staging' || inputs.replicas == 4", false],
    ['not inputs.force', true],
    ['!inputs.force', true],
    ['inputs.force == false', true],
    ['inputs.replicas in [1, 2, 3]', true],
    ["inputs.replicas == '3'", false],
    ['inputs.note', false],
    ["inputs.unset == 'x'", false],
    ["(env == 'staging' or env == 'production') and not (inputs.service == 'api')", true],
    ["env == 'production' or env == 'staging' and inputs.service == 'api'", true],
    ["(env == 'production' or env == 'staging') and inputs.service == 'api'", false],
    ["env == 'it\\'s'", false],
    ['TRUE', true],
    ['env in []', false],
  ])('%s → %s', (source, expected) => {
    const parsed = parseCondition(source)
    if (!parsed.ok) throw new Error(parsed.problem.message)
    expect(evaluateCondition(parsed.condition, scope)).toBe(expected)
  })

  it.each([
    ["env = 'production'", 4, '"=" is not a comparison'],
    ["env == 'production", 7, 'never closed'],
    ['env ==', 6, 'unexpected end of the condition'],
    ["env == 'a' and", 14, 'unexpected end'],
    ["(env == 'a'", 11, 'expected ")"'],
    ["env in 'a'", 7, 'expected a list'],
    ['env in [a]', 8, 'unexpected'],
    ["env == 'a' 'b'", 11, 'unexpected'],
    ["env ~ 'a'", 4, 'unexpected character "~"'],
    ['', 0, 'unexpected end'],
  ])('rejects %j at offset %d', (source, offset, message) => {
    const parsed = parseCondition(source)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.problem.offset).toBe(offset)
    expect(`${parsed.problem.message}; expected ${parsed.problem.expected}`).toContain(message)
  })
})
