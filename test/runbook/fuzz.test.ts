import { describe, expect, it } from 'vitest'
import { parseIntent, parseTemplate } from '../../supabase/functions/_shared/runbook/index.ts'
import { seedTemplate, seedText } from './seeds.ts'
import { seededRandom } from '../support/random.ts'

const NOISE = [
  ':',
  '-',
  ' ',
  '\t',
  '\n',
  "'",
  '"',
  '{',
  '}',
  '[',
  ']',
  '&a',
  '*a',
  '#',
  '${{',
  '}}',
  '!!binary',
  '---',
  '?',
  '|',
  '>',
  'é',
  '\u0000',
]

function mutate(text: string, next: () => number): string {
  let out = text
  const edits = 1 + Math.floor(next() * 4)
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * out.length)
    const choice = next()
    if (choice < 0.4) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 6))
    else if (choice < 0.8) out = out.slice(0, at) + NOISE[Math.floor(next() * NOISE.length)] + out.slice(at)
    else {
      const lines = out.split('\n')
      const line = Math.floor(next() * lines.length)
      lines.splice(line, 0, lines[line])
      out = lines.join('\n')
    }
  }
  return out
}

describe('fuzzed templates', () => {
  it.each(['deploy-web', 'incident-open'])('mutations of %s never throw and every error has a place', (slug) => {
    const next = seededRandom(slug.length * 7919)
    const original = seedText(slug)
    for (let round = 0; round < 400; round++) {
      const text = mutate(original, next)
      const parsed = parseTemplate(text)
      if (parsed.ok) continue
      expect(parsed.errors.length).toBeGreaterThan(0)
      const lineCount = text.split(/\r\n|\r|\n/).length
      for (const error of parsed.errors) {
        expect(error.line).toBeGreaterThanOrEqual(1)
        expect(error.line).toBeLessThanOrEqual(lineCount + 1)
        expect(error.column).toBeGreaterThanOrEqual(1)
        expect(error.message.length).toBeGreaterThan(0)
      }
    }
  })

  it('random text never throws in the intent parser', () => {
    const next = seededRandom(42)
    const templates = [{ slug: 'deploy-web', template: seedTemplate('deploy-web') }]
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () => String.fromCharCode(Math.floor(next() * 0x3000))).join('')
      const result = parseIntent(text, templates)
      expect(result.confidence).toBeGreaterThanOrEqual(0)
      expect(result.confidence).toBeLessThanOrEqual(1)
    }
  })
})
