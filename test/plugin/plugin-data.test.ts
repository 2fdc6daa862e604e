/**
 * Cutting text to fit a plugin data entry: UTF-8 is counted without TextEncoder (the main thread
 * has none) exactly as Node encodes it, and a cut never splits a character.
 */
import { describe, expect, it } from 'vitest'
import { fitText, truncateText, utf8ByteLength } from '../../src/main/plugin-data.ts'

describe('plugin data text', () => {
  it.each([
    ['ascii', 'deploy web'],
    ['two-byte', 'Überprüfung'],
    ['three-byte', '€ 5 · ✓'],
    ['surrogate pairs', '🚀 shipped 😀'],
    ['a lone surrogate', 'broken \ud800 text'],
    ['empty', ''],
  ])('counts UTF-8 bytes of %s text as Node does', (_, text) => {
    expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'))
  })

  it('truncates by characters, never halving an emoji, and marks the cut', () => {
    expect(truncateText('short', 10)).toBe('short')
    expect(truncateText('🚀'.repeat(30), 20)).toBe(`${'🚀'.repeat(7)}… (truncated)`)
    expect(Array.from(truncateText('🚀'.repeat(30), 20))).toHaveLength(20)
  })

  it('fits text to a byte budget with the longest prefix that fits', () => {
    const fits = (text: string) => utf8ByteLength(text) <= 40
    expect(fitText('fits whole', fits)).toBe('fits whole')
    const cut = fitText('😀'.repeat(20), fits)
    expect(cut).toBe(`${'😀'.repeat(6)}… (truncated)`) // 24 + 15 bytes; one more emoji would be 43
    expect(fitText('anything', () => false)).toBe('… (truncated)')
  })
})
