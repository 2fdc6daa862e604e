import { describe, expect, it } from 'vitest'
import { isExpectedStatus, parseTemplate, type Step } from '../../../supabase/functions/_shared/runbook/index.ts'

function stepFrom(kind: string, withYaml: string): Step | string {
  const parsed = parseTemplate(`version: 1
kind: test
title: Test
inputs:
  - key: service
    type: string
secrets:
  - name: TOKEN
steps:
  - id: only
    title: Only
    kind: ${kind}
    with: ${withYaml}
`)
  return parsed.ok ? parsed.template.steps[0] : `${parsed.errors[0].path}: ${parsed.errors[0].message}`
}

describe('step kinds', () => {
  it.each([
    ['http', '{ url: https://x.test }', { method: 'GET', url: 'https://x.test', headers: {} }],
    [
      'http',
      "{ method: POST, url: 'https://x.test', headers: { x-count: 3, x-flag: true }, body: { a: [1, null] }, expect_status: [200, 204] }",
      {
        method: 'POST',
        headers: { 'x-count': '3', 'x-flag': 'true' },
        body: { a: [1, null] },
        expect_status: [200, 204],
      },
    ],
    [
      'http',
      "{ url: '${{ secrets.TOKEN }}/x', artifact: { kind: link, title: Dashboard } }",
      { artifact: { kind: 'link', title: 'Dashboard' } },
    ],
    ['github_dispatch', "{ repo: 'acme/${{ inputs.service }}', workflow: 1234, ref: main }", { workflow: '1234', inputs: {} }],
    ['wait', '{ duration: 1m30s }', { durationMs: 90_000 }],
    ['approval', '{ message: Ship it? }', { message: 'Ship it?' }],
    [
      'spec',
      "{ doc: continue-orchestrator/tasks, replace: { find: '- [ ] a', with: '- [x] a' } }",
      { replace: { find: '- [ ] a', with: '- [x] a' } },
    ],
  ])('%s with %s', (kind, withYaml, expected) => {
    const step = stepFrom(kind, withYaml)
    if (typeof step === 'string') throw new Error(step)
    expect(step.with).toMatchObject(expected)
  })

  it('gives an approval step an empty with when it has none', () => {
    const parsed = parseTemplate('version: 1\nkind: t\ntitle: T\nsteps:\n  - { id: ok, title: OK, kind: approval }\n')
    expect(parsed.ok && parsed.template.steps[0].with).toEqual({})
  })

  it.each([
    ['http', '{ url: ftp://x.test }', 'steps[0].with.url: got'],
    ['http', '{ url: x.test }', 'steps[0].with.url: got'],
    ['http', '{ url: https://x.test, expect_status: 2xx }', 'steps[0].with.expect_status: got'],
    ['http', '{ url: https://x.test, expect_status: [200, 700] }', 'steps[0].with.expect_status: got a list'],
    ['http', '{ url: https://x.test, headers: { a: [1] } }', 'steps[0].with.headers.a: got a list'],
    ['github_dispatch', '{ repo: acme/web, workflow: deploy.sh, ref: main }', 'steps[0].with.workflow: got'],
    ['github_dispatch', '{ repo: acme/web, workflow: deploy.yml }', 'steps[0].with.ref: missing required field "ref"'],
    ['wait', '{ duration: 25h }', 'steps[0].with.duration: 25h is too long'],
    ['spec', '{ doc: Tasks, append: x }', 'steps[0].with.doc: got'],
    ['spec', '{ doc: notes/a }', 'steps[0].with: neither append nor replace'],
  ])('rejects %s with %s', (kind, withYaml, message) => {
    expect(stepFrom(kind, withYaml)).toContain(message)
  })
})

describe('isExpectedStatus', () => {
  it.each([
    [undefined, 200, true],
    [undefined, 204, true],
    [undefined, 299, true],
    [undefined, 301, false],
    [undefined, 500, false],
    [[200], 201, false],
    [[200, 404], 404, true],
  ] as const)('expect %j, got %d → %s', (expected, status, ok) => {
    expect(isExpectedStatus(expected as number[] | undefined, status)).toBe(ok)
  })
})
