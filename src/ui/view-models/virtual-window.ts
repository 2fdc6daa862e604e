/**
 * Fixed-row-height virtualisation: which rows of a long list intersect the viewport, so the log
 * viewer renders a few dozen rows whether the run has a hundred lines or a hundred thousand.
 */

export interface VirtualWindowInput {
  scrollTop: number
  viewportHeight: number
  rowHeight: number
  rowCount: number
  /** Rows rendered beyond each edge so a quick scroll does not show blank space. */
  overscan?: number
}

export interface VirtualWindow {
  /** First row to render (inclusive). */
  start: number
  /** Row after the last to render (exclusive); start === end when nothing is visible. */
  end: number
  /** Where the first rendered row sits, in pixels from the top of the list. */
  offsetTop: number
  /** Height of the whole list, so the scrollbar matches the full length. */
  totalHeight: number
}

export function virtualWindow({ scrollTop, viewportHeight, rowHeight, rowCount, overscan = 8 }: VirtualWindowInput): VirtualWindow {
  if (!(rowHeight > 0)) throw new Error(`rowHeight must be a positive number of pixels, got ${rowHeight}`)
  const count = Math.max(0, Math.floor(rowCount))
  const totalHeight = count * rowHeight
  if (count === 0) return { start: 0, end: 0, offsetTop: 0, totalHeight }
  // A scroll position past the end happens for a moment when rows are removed (a filter): clamp it.
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, totalHeight - viewportHeight))
  const height = Math.max(0, viewportHeight)
  const firstVisible = Math.floor(top / rowHeight)
  const lastVisible = Math.ceil((top + height) / rowHeight)
  const start = Math.max(0, firstVisible - overscan)
  const end = Math.min(count, Math.max(lastVisible, firstVisible + 1) + overscan)
  return { start, end, offsetTop: start * rowHeight, totalHeight }
}

/** At the bottom (within half a row), the viewer keeps following new lines. */
export function isAtBottom(scrollTop: number, viewportHeight: number, scrollHeight: number, tolerance = 8): boolean {
  return scrollHeight - (scrollTop + viewportHeight) <= tolerance
}

/** The scroll position that shows `row` inside the viewport, moving as little as possible. */
export function scrollTopToReveal(row: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const rowTop = row * rowHeight
  const rowBottom = rowTop + rowHeight
  if (rowTop < scrollTop) return rowTop
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight)
  return scrollTop
}

/**
 * Older lines were inserted above: shift the scroll position by their height so the rows the
 * person was reading stay where they were.
 */
export function scrollTopAfterPrepend(scrollTop: number, prependedRows: number, rowHeight: number): number {
  return scrollTop + Math.max(0, prependedRows) * rowHeight
}
