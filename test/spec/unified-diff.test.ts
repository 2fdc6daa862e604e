/**
 * Our line diff and the unified diffs built on it: shortest (checked against a longest-common-
 * subsequence table on small random texts), exact (every patch applies back), and printed as
 * `diff -u` prints them (hunk ranges, merged nearby changes, the no-newline marker).
 */
import { describe, expect, it } from 'vitest'
import { lineHunks } from '../../supabase/functions/_shared/spec/line-diff.ts'
import { unifiedDiff } from '../../supabase/functions/_shared/spec/unified-diff.ts'
import { applyPatch } from '../support/apply-patch.ts'
import { seededRandom } from '../support/random.ts'

const names = { oldName: 'old', newName: 'new' }

/** The length of a longest common subsequence, by the textbook table. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  let row = new Array<number>(b.length + 1).fill(0)
  for (const line of a) {
    const next = [0]
    for (let j = 0; j < b.length; j++) next.push(line === b[j] ? row[j] + 1 : Math.max(row[j + 1], next[j]))
    row = next
  }
  return row[b.length]
}

function randomText(random: () => number): string {
  const words = ['a', 'b', 'c', 'd', '']
  const count = Math.floor(random() * 10)
  let text = ''
  for (let i = 0; i < count; i++) text += words[Math.floor(random() * words.length)] + (i === count - 1 && random() < 0.2 ? '' : '\n')
  return text
}

describe('unified diff', () => {
  it.each([
    ['a changed line', 'a\nb\nc\n', 'a\nB\nc\n', ['--- old', '+++ new', '@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c', '']],
    ['an insertion into an empty text', '', 'x\ny\n', ['--- old', '+++ new', '@@ -0,0 +1,2 @@', '+x', '+y', '']],
    ['everything removed', 'x\n', '', ['--- old', '+++ new', '@@ -1,1 +0,0 @@', '-x', '']],
    [
      'a last line losing its newline',
      'a\nb\n',
      'a\nb',
      ['--- old', '+++ new', '@@ -1,2 +1,2 @@', ' a', '-b', '+b', '\\ No newline at end of file', ''],
    ],
    ['no change', 'a\n', 'a\n', ['--- old', '+++ new', '']],
  ])('prints %s', (_name, before, after, expected) => {
    expect(unifiedDiff(before, after, names, { context: 3 }).split('\n')).toEqual(expected)
  })

  it('keeps changes more than twice the context apart in separate hunks, and nearer ones in one', () => {
    const doc = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`)
    const far = doc.map((line, i) => (i === 1 || i === 12 ? `changed ${line}` : line)).join('')
    expect(unifiedDiff(doc.join(''), far, names, { context: 3 }).match(/^@@.*$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -10,7 +10,7 @@'])
    const near = doc.map((line, i) => (i === 1 || i === 8 ? `changed ${line}` : line)).join('')
    expect(unifiedDiff(doc.join(''), near, names, { context: 3 }).match(/^@@.*$/gm)).toEqual(['@@ -1,12 +1,12 @@'])
  })

  it('names both sides and an optional header after a tab, under an optional ===== line', () => {
    const text = unifiedDiff('a\n', 'b\n', { ...names, oldHeader: 'version 1', newHeader: 'proposed' }, { context: 3, underline: true })
    expect(text.split('\n').slice(0, 3)).toEqual(['='.repeat(67), '--- old\tversion 1', '+++ new\tproposed'])
  })

  it('finds a shortest diff that applies back exactly, on random texts', () => {
    const random = seededRandom(19)
    for (let run = 0; run < 2000; run++) {
      const before = randomText(random)
      const after = random() < 0.2 ? before : randomText(random)
      const a = before.split('\n')
      const b = after.split('\n')
      const changed = lineHunks(a, b).reduce((sum, hunk) => sum + hunk.end - hunk.start + hunk.lines.length, 0)
      expect(changed, JSON.stringify({ before, after })).toBe(a.length + b.length - 2 * lcsLength(a, b))
      for (const context of [0, 1, 3]) expect(applyPatch(before, unifiedDiff(before, after, names, { context }))).toBe(after)
    }
  })

  it('diffs texts with many changed lines without running out of stack or memory', () => {
    const before = Array.from({ length: 2000 }, (_, i) => `old ${i}\n`).join('')
    const after = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? `old ${i}\n` : `new ${i}\n`)).join('')
    const patch = unifiedDiff(before, after, names, { context: 3 })
    expect(applyPatch(before, patch)).toBe(after)
    expect(patch.split('\n').filter((line) => line.startsWith('-old')).length).toBe(1000)
  })
})
