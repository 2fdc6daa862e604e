/**
 * 1,000 mutated templates (random edits of the two seeds and of the broken corpus): parsing
 * never throws, and each is accepted or refused with messages that name a real place.
 */
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { formatTemplateError, parseTemplate, planRun } from '../../supabase/functions/_shared/runbook/index.ts'
import { seededRandom } from '../support/random.ts'

const templates = fileURLToPath(new URL('../../supabase/templates/', import.meta.url))
const broken = fileURLToPath(new URL('../runbook/fixtures/broken/', import.meta.url))

const sources = [
  ...['deploy-web.yaml', 'incident-open.yaml'].map((file) => ({ name: file, text: readFileSync(templates + file, 'utf8'), weight: 300 })),
  ...readdirSync(broken)
    .filter((file) => file.endsWith('.yaml') && !file.includes('oversize'))
    .map((file) => ({
      name: file,
      text: readFileSync(broken + file, 'utf8'),
      weight: 0,
    })),
]

const PIECES = [
  '\n',
  ' ',
  '  ',
  ':',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '#',
  '&anchor ',
  '*anchor',
  '!!str ',
  '${{ ',
  ' }}',
  '${{ inputs.x }}',
  '${{ secrets.NOPE }}',
  'kind: http',
  'kind: nope',
  'timeout: 5x',
  'retry: { max: 99 }',
  '\t',
  '\u00e9',
  '\u{1F680}',
  '\r\n',
  '---\n',
  '~',
  'null',
  '-1',
  '1e999',
]

function mutate(text: string, next: () => number): string {
  let out = text
  const edits = 1 + Math.floor(next() * 5)
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1))
    const roll = next()
    if (roll < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8))
    else if (roll < 0.75) out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)] + out.slice(at)
    else {
      const lines = out.split('\n')
      const from = Math.floor(next() * lines.length)
      const to = Math.floor(next() * lines.length)
      const [moved] = lines.splice(from, 1)
      lines.splice(to, 0, roll < 0.9 ? moved : `  ${moved}`)
      out = lines.join('\n')
    }
  }
  return out
}

describe('1,000 mutated templates', () => {
  it('are each accepted or refused with errors that name a line, a column and a field', () => {
    const next = seededRandom(1126)
    const corpus = sources.filter((s) => s.weight === 0)
    const cases: { name: string; text: string }[] = []
    for (const source of sources.filter((s) => s.weight > 0)) {
      for (let i = 0; i < source.weight; i++) cases.push({ name: source.name, text: mutate(source.text, next) })
    }
    while (cases.length < 1000) {
      const source = corpus[Math.floor(next() * corpus.length)]
      cases.push({ name: source.name, text: mutate(source.text, next) })
    }
    expect(cases).toHaveLength(1000)
    let accepted = 0
    for (const { name, text } of cases) {
      const parsed = parseTemplate(text)
      if (parsed.ok) {
        accepted++
        // An accepted template plans (or explains why its inputs do not fit) without throwing.
        expect(() => planRun(parsed.template, { env: 'staging' })).not.toThrow()
        continue
      }
      const lines = text.split(/\r\n|\r|\n/).length
      expect(parsed.errors.length, name).toBeGreaterThan(0)
      for (const error of parsed.errors) {
        expect(error.line, `${name}: ${error.message}`).toBeGreaterThanOrEqual(1)
        expect(error.line).toBeLessThanOrEqual(lines + 1)
        expect(error.column).toBeGreaterThanOrEqual(1)
        expect(error.message.trim().length).toBeGreaterThan(0)
        expect(formatTemplateError(error)).toMatch(/\(line \d+, column \d+\)$/)
      }
    }
    // The mutations are small, so a share of them stay valid; most are refused.
    expect(accepted).toBeGreaterThan(0)
    expect(accepted).toBeLessThan(1000)
  })
})
