import { describe, expect, it } from 'vitest'
import { resolveInputs } from '../../supabase/functions/_shared/runbook/index.ts'
import { seedTemplate, templateFrom } from './seeds.ts'

const template = templateFrom(`version: 1
kind: test
title: Every input type
inputs:
  - key: env
    type: choice
    options: [staging, production]
    default: staging
  - key: replicas
    type: number
    default: 2
  - key: force
    type: boolean
  - key: ref
    type: string
    required: true
    pattern: "[a-z0-9.]+"
  - key: note
    type: string
  - key: token
    type: secret
steps:
  - id: pause
    title: Pause
    kind: wait
    with: { duration: 1s }
`)

describe('resolveInputs', () => {
  it.each([
    ['number from text', { ref: 'main', replicas: '3' }, { replicas: 3 }],
    ['number with spaces and sign', { ref: 'main', replicas: ' -1.5 ' }, { replicas: -1.5 }],
    ['number given as a number', { ref: 'main', replicas: 4 }, { replicas: 4 }],
    ['true from yes', { ref: 'main', force: 'yes' }, { force: true }],
    ['true from TRUE', { ref: 'main', force: 'TRUE' }, { force: true }],
    ['false from no', { ref: 'main', force: 'no' }, { force: false }],
    ['false from false', { ref: 'main', force: false }, { force: false }],
    ['choice in another case', { ref: 'main', env: 'Production' }, { env: 'production' }],
    ['text trimmed', { ref: '  v1.2  ' }, { ref: 'v1.2' }],
    ['secret kept exactly', { ref: 'main', token: ' s3cret ' }, { token: ' s3cret ' }],
    ['defaults for blanks', { ref: 'main', env: '', replicas: '   ', force: null }, { env: 'staging', replicas: 2 }],
  ])('%s', (_name, raw, expected) => {
    const result = resolveInputs(template, raw)
    expect(result.errors).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.values).toMatchObject(expected)
  })

  it('applies defaults and leaves optional inputs without one unset', () => {
    expect(resolveInputs(template, { ref: 'main' })).toEqual({
      ok: true,
      values: { env: 'staging', replicas: 2, ref: 'main' },
      errors: [],
      missing: [],
    })
  })

  it.each([
    ['a number that is not one', { replicas: 'three' }, 'replicas', '"three" is not a number'],
    ['a boolean that is not one', { force: 'maybe' }, 'force', '"maybe" is not true or false'],
    ['a choice outside the options', { env: 'prod' }, 'env', '"prod" is not one of staging, production'],
    ['text against the pattern', { ref: 'Main Branch' }, 'ref', 'does not match the pattern [a-z0-9.]+'],
    ['a pattern matches the whole value', { ref: 'main!' }, 'ref', 'does not match the pattern'],
    ['a list where text belongs', { note: ['a'] }, 'note', 'got a list; expected text'],
    ['text longer than 64 KiB', { note: 'x'.repeat(64 * 1024 + 1) }, 'note', 'the value is too long (at most 65536 characters)'],
    ['an undeclared input', { colour: 'blue' }, 'colour', 'unknown input "colour"; expected one of env, replicas, force, ref, note, token'],
  ])('rejects %s', (_name, raw, key, message) => {
    const result = resolveInputs(template, { ref: 'main', ...raw })
    expect(result.ok).toBe(false)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0].key).toBe(key)
    expect(result.errors[0].message).toContain(message)
  })

  it('lists required inputs that have neither a value nor a default', () => {
    const result = resolveInputs(template, {})
    expect(result).toMatchObject({ ok: false, errors: [], missing: ['ref'] })
  })

  it('does not count a required input with a default as missing', () => {
    const result = resolveInputs(seedTemplate('deploy-web'), {})
    expect(result).toEqual({
      ok: true,
      values: { env: 'staging', service: 'web', ref: 'main', action: 'deploy' },
      errors: [],
      missing: [],
    })
  })

  it('requires the incident summary', () => {
    expect(resolveInputs(seedTemplate('incident-open'), { severity: 'sev1' })).toMatchObject({ ok: false, missing: ['summary'] })
  })
})
