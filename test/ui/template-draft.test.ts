import { describe, expect, it } from 'vitest'
import { MAX_TEMPLATE_BYTES } from '../../supabase/functions/_shared/runbook/index.ts'
import { checkDraft, offsetOf, slugFromTitle, slugProblem } from '../../src/ui/view-models/template-draft.ts'
import { textDiff } from '../../src/ui/view-models/text-diff.ts'

const GOOD = `version: 1
kind: deploy
title: Ship it
steps:
  - id: wait
    title: Wait a moment
    kind: wait
    with: { duration: 1s }
`

describe('checkDraft: the executor’s parser as the editor types', () => {
  it('gives the parsed template of a good draft', () => {
    const checked = checkDraft(GOOD)
    expect(checked.ok && checked.template.title).toBe('Ship it')
  })

  it.each([
    ['a misspelt step kind', GOOD.replace('kind: wait', 'kind: wiat'), 7, 'steps[0].kind'],
    ['a bad indent', GOOD.replace('    title: Wait', '   title: Wait'), 6, ''],
    ['an unknown field', GOOD.replace('title: Ship it', 'titel: Ship it'), 3, 'titel'],
  ])('points at the line of %s', (_what, yaml, line, mentions) => {
    const checked = checkDraft(yaml)
    if (checked.ok) throw new Error('expected errors')
    const error = checked.errors.find((candidate) => candidate.line === line)
    expect(error?.text).toContain(mentions)
    expect(error?.text).toMatch(/\(line \d+, column \d+\)$/)
  })

  it('refuses oversized and deeply nested text with a message that says so, at line 1', () => {
    const big = checkDraft(`${GOOD}# ${'x'.repeat(MAX_TEMPLATE_BYTES)}\n`)
    expect(!big.ok && big.errors[0].text).toMatch(/too large .*at most 256 KiB \(line 1, column 1\)/)
    const deep = checkDraft(`${GOOD}extra: ${'['.repeat(200)}${']'.repeat(200)}\n`)
    expect(!deep.ok && deep.errors[0].text).toMatch(/nest/)
  })

  it('keeps a ${{ … }}-looking value as text and names an unknown reference', () => {
    const checked = checkDraft(GOOD.replace('title: Wait a moment', 'title: "${{ secrets.NOPE }}"'))
    expect(!checked.ok && checked.errors[0].text).toMatch(/NOPE/)
  })
})

describe('slugs and caret positions', () => {
  it.each([
    ['Deploy API (v2)', 'deploy-api-v2'],
    ['  --Hello--  ', 'hello'],
  ])('proposes a slug for %j', (title, slug) => expect(slugFromTitle(title)).toBe(slug))

  it('says what is wrong with a slug', () => {
    expect(slugProblem('deploy-api')).toBeNull()
    expect(slugProblem('')).toMatch(/slug/)
    expect(slugProblem('Deploy API')).toMatch(/lowercase/)
  })

  it('finds a line and column in the text, clamped to the line', () => {
    const text = 'ab\ncdef\ng'
    expect(offsetOf(text, 2, 3)).toBe(5)
    expect(offsetOf(text, 2, 99)).toBe(7)
    expect(offsetOf(text, 9, 1)).toBe(text.length)
  })
})

describe('textDiff', () => {
  it('shows a changed line as removed and added under the two names', () => {
    const diff = textDiff('a\nb\n', 'a\nc\n', 'version 1', 'version 2')
    expect(diff.split('\n')[0]).toBe('--- version 1')
    expect(diff).toContain('+++ version 2')
    expect(diff).toMatch(/^-b$/m)
    expect(diff).toMatch(/^\+c$/m)
  })
})
