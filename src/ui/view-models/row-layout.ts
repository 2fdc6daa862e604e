/**
 * Where each row of the log sits when rows may have different heights: a long line wrapped onto
 * several lines of text. Heights come from the text itself (the log is set in a monospaced font
 * and wraps at any character), so no row has to be rendered to be measured and a log of any
 * length keeps its scrollbar true. With every row one line high it is the fixed-height layout.
 */

export interface RowLayout {
  readonly count: number
  readonly totalHeight: number
  top(index: number): number
  height(index: number): number
  /** The row at a distance from the top of the list (the last row past the end; -1 when empty). */
  indexAt(y: number): number
}

/** Every row `rowHeight` high: arithmetic, so a huge log costs nothing to lay out. */
export function fixedLayout(count: number, rowHeight: number): RowLayout {
  if (!(rowHeight > 0)) throw new Error(`rowHeight must be a positive number of pixels, got ${rowHeight}`)
  return {
    count,
    totalHeight: count * rowHeight,
    top: (index) => index * rowHeight,
    height: () => rowHeight,
    indexAt: (y) => (count === 0 ? -1 : Math.min(count - 1, Math.max(0, Math.floor(y / rowHeight)))),
  }
}

/** Rows of the given heights, found by binary search over their running total. */
export function measuredLayout(heights: readonly number[]): RowLayout {
  const tops = new Float64Array(heights.length + 1)
  for (let i = 0; i < heights.length; i++) tops[i + 1] = tops[i] + heights[i]
  const count = heights.length
  return {
    count,
    totalHeight: tops[count],
    top: (index) => tops[Math.min(Math.max(0, index), count)],
    height: (index) => heights[index] ?? 0,
    indexAt(y) {
      if (count === 0) return -1
      let low = 0
      let high = count - 1
      while (low < high) {
        const middle = (low + high + 1) >> 1
        if (tops[middle] <= y) low = middle
        else high = middle - 1
      }
      return low
    },
  }
}

/**
 * How many lines of `charsPerLine` characters a message takes when it wraps at any character:
 * each of its own lines at least one.
 */
export function wrappedLineCount(message: string, charsPerLine: number): number {
  const width = Math.max(1, Math.floor(charsPerLine))
  let lines = 0
  for (const part of message.split('\n')) lines += Math.max(1, Math.ceil([...part].length / width))
  return lines
}

export interface LayoutWindow {
  start: number
  end: number
  offsetTop: number
  totalHeight: number
}

/** The rows that intersect the viewport, plus `overscan` rows beyond each edge. */
export function layoutWindow(layout: RowLayout, scrollTop: number, viewportHeight: number, overscan = 8): LayoutWindow {
  const { count, totalHeight } = layout
  if (count === 0) return { start: 0, end: 0, offsetTop: 0, totalHeight }
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, totalHeight - viewportHeight))
  const first = layout.indexAt(top)
  const last = layout.indexAt(top + Math.max(0, viewportHeight))
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, last + 1 + overscan)
  return { start, end, offsetTop: layout.top(start), totalHeight }
}

/**
 * The scroll position that shows a row inside the viewport, moving as little as possible, with
 * `bottomInset` pixels kept clear at the bottom (where "Jump to latest" floats over the log).
 */
export function scrollTopToRevealRow(layout: RowLayout, index: number, scrollTop: number, viewportHeight: number, bottomInset = 0): number {
  const rowTop = layout.top(index)
  const rowBottom = rowTop + layout.height(index)
  const visibleBottom = scrollTop + Math.max(0, viewportHeight - bottomInset)
  if (rowTop < scrollTop) return rowTop
  if (rowBottom > visibleBottom) return Math.min(rowTop, Math.max(0, rowBottom - viewportHeight + bottomInset))
  return scrollTop
}
