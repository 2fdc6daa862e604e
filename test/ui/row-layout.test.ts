import { describe, expect, it } from 'vitest'
import { fixedLayout, layoutWindow, measuredLayout, scrollTopToRevealRow, wrappedLineCount } from '../../src/ui/view-models/row-layout.ts'

describe('wrappedLineCount', () => {
  it.each([
    { message: '', width: 10, lines: 1 },
    { message: 'short', width: 10, lines: 1 },
    { message: 'x'.repeat(10), width: 10, lines: 1 },
    { message: 'x'.repeat(11), width: 10, lines: 2 },
    { message: 'x'.repeat(95), width: 10, lines: 10 },
    { message: 'one\ntwo\n\nfour', width: 10, lines: 4 },
    { message: `${'x'.repeat(15)}\n${'y'.repeat(3)}`, width: 10, lines: 3 },
    { message: '😀'.repeat(10), width: 10, lines: 1 },
    { message: 'abc', width: 0, lines: 3 },
  ])('$message.length characters at $width a line: $lines lines', ({ message, width, lines }) => {
    expect(wrappedLineCount(message, width)).toBe(lines)
  })
})

describe('row layouts', () => {
  const layout = measuredLayout([20, 60, 20, 40])

  it('puts each row below the ones before it', () => {
    expect([0, 1, 2, 3, 4].map((i) => layout.top(i))).toEqual([0, 20, 80, 100, 140])
    expect(layout.totalHeight).toBe(140)
    expect([0, 19, 20, 79, 80, 139, 500].map((y) => layout.indexAt(y))).toEqual([0, 0, 1, 1, 2, 3, 3])
    expect(measuredLayout([]).indexAt(0)).toBe(-1)
  })

  it('agrees with the fixed layout when every row is one line', () => {
    const fixed = fixedLayout(1000, 20)
    const measured = measuredLayout(Array(1000).fill(20))
    for (const y of [0, 19, 20, 555, 19_999, 25_000]) expect(measured.indexAt(y)).toBe(fixed.indexAt(y))
    expect(layoutWindow(measured, 400, 200, 5)).toEqual(layoutWindow(fixed, 400, 200, 5))
    expect(layoutWindow(fixed, 400, 200, 5)).toEqual({ start: 15, end: 36, offsetTop: 300, totalHeight: 20_000 })
  })

  it('renders the tall rows that reach into view', () => {
    expect(layoutWindow(layout, 30, 40, 0)).toEqual({ start: 1, end: 2, offsetTop: 20, totalHeight: 140 })
    expect(layoutWindow(layout, 30, 60, 0)).toEqual({ start: 1, end: 3, offsetTop: 20, totalHeight: 140 })
  })

  it('reveals a row above or below the view, keeping the bottom inset clear', () => {
    // Already in view: no move.
    expect(scrollTopToRevealRow(layout, 1, 0, 100)).toBe(0)
    // Under the inset at the bottom (a floating button there): scrolled just far enough.
    expect(scrollTopToRevealRow(layout, 1, 0, 100, 40)).toBe(20)
    expect(scrollTopToRevealRow(layout, 3, 0, 100, 30)).toBe(70)
    // Above the view.
    expect(scrollTopToRevealRow(layout, 0, 50, 100, 30)).toBe(0)
    // A row taller than the view shows its start.
    expect(scrollTopToRevealRow(measuredLayout([20, 500]), 1, 0, 100, 30)).toBe(20)
  })
})
