import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formatTemplateError, MAX_TEMPLATE_BYTES, parseTemplate, validateTemplate } from '../../supabase/functions/_shared/runbook/index.ts'
import { seedText, templateFrom } from './seeds.ts'

const brokenDir = fileURLToPath(new URL('./fixtures/broken/', import.meta.url))

interface BrokenCase {
  file: string
  line: number
  column: number
  path: string
  message: string
  expected?: string
}

const brokenCases: BrokenCase[] = JSON.parse(readFileSync(`${brokenDir}expected.json`, 'utf8'))

describe('seed templates', () => {
  it.each(['deploy-web', 'incident-open'])('%s parses and validates', (slug) => {
    const parsed = parseTemplate(seedText(slug))
    expect(parsed.ok ? [] : parsed.errors.map(formatTemplateError)).toEqual([])
  })

  it('reads durations as milliseconds and fills defaults', () => {
    const parsed = parseTemplate(seedText('deploy-web'))
    if (!parsed.ok) throw new Error('seed does not parse')
    const [health, dispatch, settle] = parsed.template.steps
    expect(health).toMatchObject({
      id: 'health-before',
      phase: 'preflight',
      timeoutMs: 10_000,
      retry: { max: 2, delayMs: 1_000, backoff: 2 },
    })
    expect(health.kind === 'http' && health.with.expect_status).toEqual([200])
    expect(dispatch).toMatchObject({ kind: 'github_dispatch', timeoutMs: 30_000 })
    expect(settle).toMatchObject({ kind: 'wait', with: { durationMs: 2_000 } })
    expect(parsed.template.inputs.find((input) => input.key === 'action')).toMatchObject({ required: false, default: 'deploy' })
    expect(parsed.template.secrets).toEqual([expect.objectContaining({ name: 'GITHUB_TOKEN', required: false })])
  })
})

describe('broken templates', () => {
  it('the corpus has at least 30 cases and every fixture is listed', () => {
    expect(brokenCases.length).toBeGreaterThanOrEqual(30)
    const files = readdirSync(brokenDir)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
    expect(brokenCases.map((testCase) => testCase.file).sort()).toEqual(files)
  })

  it.each(brokenCases)("$file → line $line, column $column at '$path'", (testCase) => {
    const parsed = parseTemplate(readFileSync(`${brokenDir}${testCase.file}`, 'utf8'))
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    const [first] = parsed.errors
    expect({ line: first.line, column: first.column, path: first.path }).toEqual({
      line: testCase.line,
      column: testCase.column,
      path: testCase.path,
    })
    expect(first.message).toContain(testCase.message)
    if (testCase.expected !== undefined) expect(first.expected).toContain(testCase.expected)
    expect(formatTemplateError(first)).toMatch(/\(line \d+, column \d+\)$/)
  })
})

describe('error positions and wording', () => {
  it('formats an error as path: message; expected …, then its line and column', () => {
    expect(
      formatTemplateError({
        line: 14,
        column: 11,
        path: 'steps[1].kind',
        message: 'unknown step kind "htp"',
        expected: 'one of http, github_dispatch, wait, approval, spec',
      }),
    ).toBe('steps[1].kind: unknown step kind "htp"; expected one of http, github_dispatch, wait, approval, spec (line 14, column 11)')
    expect(formatTemplateError({ line: 1, column: 1, path: '', message: 'the template is empty' })).toBe(
      'the template is empty (line 1, column 1)',
    )
  })

  it('reports every structural error at once, in document order', () => {
    const parsed = parseTemplate(`version: 1
kind: deploy
title: Deploy
colour: blue
steps:
  - id: one
    title: One
    kind: wait
    with: { duration: forever }
  - id: two
    title: Two
    kind: http
    with:
      method: get
      url: https://example.com
`)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors.map((e) => [e.path, e.line, e.column])).toEqual([
      ['colour', 4, 1],
      ['steps[0].with.duration', 9, 23],
      ['steps[1].with.method', 14, 15],
    ])
  })

  it('names keys that are not identifiers with brackets', () => {
    const parsed = parseTemplate(`version: 1
kind: deploy
title: Deploy
steps:
  - id: check
    title: Check
    kind: http
    with:
      url: https://example.com
      headers:
        "x api": [not, text]
`)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors[0]).toMatchObject({ path: 'steps[0].with.headers["x api"]', line: 11, column: 18 })
  })

  it('points into a multi-line string at the string itself', () => {
    const parsed = parseTemplate(`version: 1
kind: deploy
title: Deploy
steps:
  - id: note
    title: Note
    kind: spec
    with:
      doc: continue-orchestrator/tasks
      append: |
        - [ ] first
        - [ ] \${{ inputs.nope }}
`)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors[0]).toMatchObject({ path: 'steps[0].with.append', line: 10, column: 15 })
  })

  it('treats flow and block style alike', () => {
    const parsed = parseTemplate(`{version: 1, kind: deploy, title: Deploy, steps: [{id: a, title: A, kind: wait, with: {duration: 1x}}]}`)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors[0]).toMatchObject({ path: 'steps[0].with.duration', line: 1, column: 98 })
  })

  it('ignores a byte-order mark and Windows line ends when counting', () => {
    const parsed = parseTemplate(
      '\ufeffversion: 1\r\nkind: deploy\r\ntitle: Deploy\r\nsteps:\r\n  - id: a\r\n    title: A\r\n    kind: wat\r\n',
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors[0]).toMatchObject({ path: 'steps[0].kind', line: 7, column: 11 })
  })

  it('rejects input over the size limit before reading it', () => {
    const parsed = parseTemplate(`version: 1\n#${'x'.repeat(MAX_TEMPLATE_BYTES)}\n`)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors[0]).toMatchObject({ line: 1, column: 1, expected: 'at most 256 KiB' })
  })

  it('counts bytes, not characters, against the limit', () => {
    const text = `version: 1\n# ${'é'.repeat(MAX_TEMPLATE_BYTES / 2)}\n`
    expect(text.length).toBeLessThan(MAX_TEMPLATE_BYTES)
    const parsed = parseTemplate(text)
    expect(parsed.ok === false && parsed.errors[0].message).toContain('too large')
  })

  it('keeps YAML 1.2 core values as plain JSON (no dates, no yes/no booleans)', () => {
    const template = templateFrom(`version: 1
kind: deploy
title: Deploy
steps:
  - id: call
    title: Call
    kind: http
    with:
      method: POST
      url: https://example.com
      body: { day: 2024-01-02, answer: yes, count: 3 }
`)
    expect(template.steps[0].kind === 'http' && template.steps[0].with.body).toEqual({ day: '2024-01-02', answer: 'yes', count: 3 })
  })
})

describe('validateTemplate', () => {
  it('checks values that do not come from YAML, without positions', () => {
    const result = validateTemplate({ version: 1, kind: 'deploy', title: 'Deploy', steps: [{ id: 'a', title: 'A', kind: 'wait' }] })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toEqual([{ path: ['steps', 0, 'with'], message: 'missing required field "with"', expected: 'a mapping' }])
  })
})
