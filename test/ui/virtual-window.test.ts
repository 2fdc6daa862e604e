import { describe, expect, it } from 'vitest'
import { isAtBottom, scrollTopAfterPrepend, scrollTopToReveal, virtualWindow } from '../../src/ui/view-models/virtual-window.ts'

describe('virtualWindow', () => {
  it.each([
    // scrollTop, viewport, rowHeight, rows, overscan → start, end, offsetTop, totalHeight
    { name: 'empty list', scrollTop: 0, viewport: 200, rows: 0, overscan: 2, expected: { start: 0, end: 0, offsetTop: 0, totalHeight: 0 } },
    {
      name: 'top of a short list',
      scrollTop: 0,
      viewport: 200,
      rows: 5,
      overscan: 2,
      expected: { start: 0, end: 5, offsetTop: 0, totalHeight: 100 },
    },
    {
      name: 'top of a long list',
      scrollTop: 0,
      viewport: 200,
      rows: 100_000,
      overscan: 2,
      expected: { start: 0, end: 12, offsetTop: 0, totalHeight: 2_000_000 },
    },
    {
      name: 'middle, row-aligned',
      scrollTop: 1000,
      viewport: 200,
      rows: 100_000,
      overscan: 2,
      expected: { start: 48, end: 62, offsetTop: 960, totalHeight: 2_000_000 },
    },
    {
      name: 'middle, half a row in',
      scrollTop: 1010,
      viewport: 200,
      rows: 100_000,
      overscan: 0,
      expected: { start: 50, end: 61, offsetTop: 1000, totalHeight: 2_000_000 },
    },
    {
      name: 'bottom of a long list',
      scrollTop: 2_000_000 - 200,
      viewport: 200,
      rows: 100_000,
      overscan: 2,
      expected: { start: 99_988, end: 100_000, offsetTop: 1_999_760, totalHeight: 2_000_000 },
    },
    {
      name: 'scrolled past the end after a filter',
      scrollTop: 50_000,
      viewport: 200,
      rows: 20,
      overscan: 1,
      expected: { start: 9, end: 20, offsetTop: 180, totalHeight: 400 },
    },
    {
      name: 'negative scroll (overscroll bounce)',
      scrollTop: -40,
      viewport: 200,
      rows: 50,
      overscan: 0,
      expected: { start: 0, end: 10, offsetTop: 0, totalHeight: 1000 },
    },
    {
      name: 'zero-height viewport still renders a row',
      scrollTop: 100,
      viewport: 0,
      rows: 50,
      overscan: 0,
      expected: { start: 5, end: 6, offsetTop: 100, totalHeight: 1000 },
    },
  ])('$name', ({ scrollTop, viewport, rows, overscan, expected }) => {
    expect(virtualWindow({ scrollTop, viewportHeight: viewport, rowHeight: 20, rowCount: rows, overscan })).toEqual(expected)
  })

  it('renders a bounded number of rows however long the log is', () => {
    for (const rows of [1_000, 100_000, 1_000_000]) {
      const window = virtualWindow({ scrollTop: rows * 10, viewportHeight: 400, rowHeight: 20, rowCount: rows, overscan: 8 })
      expect(window.end - window.start).toBeLessThanOrEqual(400 / 20 + 2 * 8 + 1)
    }
  })

  it('refuses a row height that is not positive', () => {
    expect(() => virtualWindow({ scrollTop: 0, viewportHeight: 100, rowHeight: 0, rowCount: 10 })).toThrow(/rowHeight/)
  })
})

describe('isAtBottom', () => {
  it.each([
    { scrollTop: 800, viewport: 200, height: 1000, expected: true },
    { scrollTop: 795, viewport: 200, height: 1000, expected: true },
    { scrollTop: 780, viewport: 200, height: 1000, expected: false },
    { scrollTop: 0, viewport: 200, height: 100, expected: true },
  ])('scrollTop $scrollTop of $height → $expected', ({ scrollTop, viewport, height, expected }) => {
    expect(isAtBottom(scrollTop, viewport, height)).toBe(expected)
  })
})

describe('scrollTopToReveal', () => {
  it.each([
    { name: 'already visible', row: 12, scrollTop: 200, expected: 200 },
    { name: 'above the viewport', row: 3, scrollTop: 200, expected: 60 },
    { name: 'below the viewport', row: 30, scrollTop: 200, expected: 420 },
    { name: 'partly below', row: 19, scrollTop: 200, expected: 200 },
    { name: 'last row partly cut', row: 20, scrollTop: 200, expected: 220 },
  ])('$name', ({ row, scrollTop, expected }) => {
    expect(scrollTopToReveal(row, 20, scrollTop, 200)).toBe(expected)
  })
})

describe('scrollTopAfterPrepend', () => {
  it.each([
    { scrollTop: 0, added: 1000, expected: 20_000 },
    { scrollTop: 35, added: 10, expected: 235 },
    { scrollTop: 35, added: 0, expected: 35 },
  ])('$added rows above $scrollTop → $expected', ({ scrollTop, added, expected }) => {
    expect(scrollTopAfterPrepend(scrollTop, added, 20)).toBe(expected)
  })
})
