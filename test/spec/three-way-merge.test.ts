import { describe, expect, it } from 'vitest'
import { lineHunks, splitLines } from '../../supabase/functions/_shared/spec/line-diff.ts'
import { conflictCount, mergedText, threeWayMerge, type MergeChunk } from '../../supabase/functions/_shared/spec/three-way-merge.ts'

const text = (...lines: string[]) => `${lines.join('\n')}\n`
const BASE = text('# Spec', 'FR-001 one', 'FR-002 two', 'FR-003 three', 'FR-004 four')

/** A chunk list as compact lines: `= n` for n unchanged lines, `theirs: …`, `conflict: … | …`. */
function picture(chunks: readonly MergeChunk[]): string[] {
  return chunks.map((chunk) => {
    if (chunk.kind === 'same') return `= ${chunk.lines.length}`
    if (chunk.kind === 'change') return `${chunk.by}: [${chunk.base.join(', ')}] -> [${chunk.lines.join(', ')}]`
    return `conflict: [${chunk.base.join(', ')}] -> theirs [${chunk.theirs.join(', ')}] | mine [${chunk.mine.join(', ')}]`
  })
}

describe('line hunks', () => {
  it.each([
    ['an insertion', ['a', 'b'], ['a', 'x', 'b'], [{ start: 1, end: 1, lines: ['x'] }]],
    ['a removal', ['a', 'b', 'c'], ['a', 'c'], [{ start: 1, end: 2, lines: [] }]],
    ['a replacement', ['a', 'b', 'c'], ['a', 'B', 'c'], [{ start: 1, end: 2, lines: ['B'] }]],
    [
      'two separate changes',
      ['a', 'b', 'c', 'd'],
      ['A', 'b', 'c', 'D'],
      [
        { start: 0, end: 1, lines: ['A'] },
        { start: 3, end: 4, lines: ['D'] },
      ],
    ],
    ['nothing', ['a'], ['a'], []],
  ])('finds %s', (_name, before, after, hunks) => {
    expect(lineHunks(before, after)).toEqual(hunks)
  })

  it('reads Windows and old Mac line ends as plain newlines', () => {
    expect(splitLines('a\r\nb\rc\n')).toEqual(['a', 'b', 'c', ''])
  })
})

describe('three-way merge', () => {
  it('keeps both sides’ changes when they touch different lines', () => {
    const theirs = BASE.replace('FR-001 one', 'FR-001 one, theirs')
    const mine = BASE.replace('FR-004 four', 'FR-004 four, mine')
    const chunks = threeWayMerge(BASE, theirs, mine)
    expect(picture(chunks)).toEqual([
      '= 1',
      'theirs: [FR-001 one] -> [FR-001 one, theirs]',
      '= 2',
      'mine: [FR-004 four] -> [FR-004 four, mine]',
      '= 1',
    ])
    expect(conflictCount(chunks)).toBe(0)
    expect(mergedText(chunks)).toBe(text('# Spec', 'FR-001 one, theirs', 'FR-002 two', 'FR-003 three', 'FR-004 four, mine'))
  })

  it('shows a real conflict, and keeps both sides in it unless one is dropped on purpose', () => {
    const theirs = BASE.replace('FR-002 two', 'FR-002 two (theirs)')
    const mine = BASE.replace('FR-002 two', 'FR-002 two (mine)')
    const chunks = threeWayMerge(BASE, theirs, mine)
    expect(picture(chunks)).toEqual(['= 2', 'conflict: [FR-002 two] -> theirs [FR-002 two (theirs)] | mine [FR-002 two (mine)]', '= 3'])
    expect(conflictCount(chunks)).toBe(1)
    expect(mergedText(chunks)).toBe(text('# Spec', 'FR-001 one', 'FR-002 two (theirs)', 'FR-002 two (mine)', 'FR-003 three', 'FR-004 four'))
    expect(mergedText(chunks, new Map([[0, 'mine']]))).toBe(mine)
    expect(mergedText(chunks, new Map([[0, 'theirs']]))).toBe(theirs)
  })

  it('merges an identical change once', () => {
    const same = BASE.replace('FR-003 three', 'FR-003 three, agreed')
    const chunks = threeWayMerge(BASE, same, same)
    expect(picture(chunks)).toEqual(['= 3', 'both: [FR-003 three] -> [FR-003 three, agreed]', '= 2'])
    expect(mergedText(chunks)).toBe(same)
  })

  it('keeps two lines added at the same place (the end) as a conflict holding both, theirs first', () => {
    const theirs = `${BASE}Their line.\n`
    const mine = `${BASE}My line.\n`
    const chunks = threeWayMerge(BASE, theirs, mine)
    expect(conflictCount(chunks)).toBe(1)
    expect(mergedText(chunks)).toBe(`${BASE}Their line.\nMy line.\n`)
  })

  it('keeps one side’s removal and the other side’s edit elsewhere', () => {
    const theirs = BASE.replace('FR-002 two\n', '')
    const mine = BASE.replace('# Spec', '# Spec, renamed')
    expect(mergedText(threeWayMerge(BASE, theirs, mine))).toBe(text('# Spec, renamed', 'FR-001 one', 'FR-003 three', 'FR-004 four'))
  })

  it('takes the other side whole when one side changed nothing', () => {
    const theirs = BASE.replace('FR-001 one', 'changed')
    expect(mergedText(threeWayMerge(BASE, theirs, BASE))).toBe(theirs)
    expect(mergedText(threeWayMerge(BASE, BASE, theirs))).toBe(theirs)
    expect(threeWayMerge(BASE, BASE, BASE)).toEqual([{ kind: 'same', lines: splitLines(BASE) }])
  })

  it('groups a change that overlaps two of the other side’s into one conflict', () => {
    const theirs = BASE.replace('FR-001 one', 'T1').replace('FR-003 three', 'T3')
    const mine = BASE.replace('FR-001 one\nFR-002 two\nFR-003 three', 'M123')
    const chunks = threeWayMerge(BASE, theirs, mine)
    expect(picture(chunks)).toEqual([
      '= 1',
      'conflict: [FR-001 one, FR-002 two, FR-003 three] -> theirs [T1, FR-002 two, T3] | mine [M123]',
      '= 2',
    ])
  })
})
