import { h, type JSX } from 'preact'
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
import { useElementHeight } from '../../hooks/use-element-height.ts'
import type { LogRows } from '../../view-models/log-rows.ts'
import {
  fixedLayout,
  layoutWindow,
  measuredLayout,
  scrollTopToRevealRow,
  wrappedLineCount,
  type RowLayout,
} from '../../view-models/row-layout.ts'
import { isAtBottom } from '../../view-models/virtual-window.ts'
import { LogGroupHeader } from '../log-group-header/log-group-header.tsx'
import { LogLine } from '../log-line/log-line.tsx'
import styles from './virtual-log-list.css'

/** A request to bring a row into view; `token` changes for each request, even to the same row. */
export interface RevealRequest {
  index: number
  token: number
}

export interface VirtualLogListProps {
  /** The rows; only those on screen are made into objects. */
  rows: LogRows
  rowHeight: number
  /** Keep the newest line in view as lines arrive. */
  follow: boolean
  onFollowChange: (follow: boolean) => void
  /** The person scrolled near the top: time to load an older page. */
  onNearTop: () => void
  loadingOlder: boolean
  reveal: RevealRequest | null
  query: string
  currentSeq: number | null
  onToggleGroup: (key: string) => void
  /** Long lines wrap onto as many lines as they need instead of being cut at the edge. */
  wrap?: boolean
  /** Pixels kept clear at the bottom when a row is revealed (a button floats there). */
  revealInset?: number
  /** The person asked for a line's link. */
  onCopyLineLink?: (seq: number) => void
  /** The step still going (a running run's latest step) and the time now: its duration counts up. */
  openStep?: { key: string; now: number } | null
}

const NEAR_TOP_ROWS = 5
/** Extra left padding of a line per level of nesting (log-line.css: 8, 24, 40 px). */
const INDENT_PER_DEPTH = 16

/** What wrapping needs to know of the page: how wide a character is, and the message column at depth 0. */
interface TextMetrics {
  charWidth: number
  messageWidth: number
}

/**
 * The log as one fixed-row-height list of which only the rows in view (plus a margin) exist in
 * the DOM. Scrolled to the bottom it follows new lines; scrolled anywhere else it keeps the line
 * at the top of the view in place while lines arrive or older pages are inserted above.
 */
export function VirtualLogList(props: VirtualLogListProps) {
  const { rows, rowHeight, follow, onFollowChange, onNearTop, loadingOlder, reveal, query, currentSeq, onToggleGroup } = props
  const { wrap = false, revealInset = 0, onCopyLineLink, openStep = null } = props
  const viewportRef = useRef<HTMLDivElement | null>(null)
  const viewportHeight = useElementHeight(viewportRef)
  const [scrollTop, setScrollTop] = useState(0)
  const [metrics, setMetrics] = useState<TextMetrics | null>(null)
  const layout = useMemo(() => rowLayout(rows, rowHeight, wrap ? metrics : null), [rows, rowHeight, wrap, metrics])
  const last = useRef<{ rows: LogRows; layout: RowLayout; scrollTop: number }>({ rows, layout, scrollTop: 0 })
  // The row last revealed (a linked line, a search match) stays whole in view while the layout
  // settles around it (wrapping measured after the first paint, lines arriving, the viewport
  // resizing), until the person scrolls: `scrollTop` is where it was put.
  const pinned = useRef<{ key: string; scrollTop: number } | null>(null)

  // Wrapping lays rows out from the width of a character and of the message column, read from
  // the lines on screen after each render (a resize or a scrollbar changes them).
  useLayoutEffect(() => {
    if (!wrap) return
    const next = measureText(viewportRef.current)
    if (next !== null && (metrics === null || next.charWidth !== metrics.charWidth || next.messageWidth !== metrics.messageWidth))
      setMetrics(next)
  })

  useLayoutEffect(() => {
    const element = viewportRef.current
    if (element === null) return
    if (follow) {
      pinned.current = null
      element.scrollTop = element.scrollHeight
    } else if (last.current.rows !== rows || last.current.layout !== layout) {
      // Anchor on a log line, not a group header: a header's key is its group's first line,
      // which changes when older lines of the same group are inserted above. Lines inserted
      // above, or lines above wrapping or unwrapping, move it: the view moves with it.
      const before = last.current
      const anchorIndex = firstLineAtOrAfter(before.rows, before.layout.indexAt(before.scrollTop))
      const anchor = anchorIndex === -1 ? undefined : before.rows.keyAt(anchorIndex)
      if (anchor !== undefined) {
        const index = anchorIndex < rows.length && rows.keyAt(anchorIndex) === anchor ? anchorIndex : rows.positionOfKey(anchor)
        const moved = index === -1 ? 0 : layout.top(index) - before.layout.top(anchorIndex)
        if (moved !== 0) element.scrollTop = before.scrollTop + moved
      }
    }
    if (!follow && pinned.current !== null) {
      const index = rows.positionOfKey(pinned.current.key)
      if (index === -1) pinned.current = null
      else {
        element.scrollTop = scrollTopToRevealRow(layout, index, element.scrollTop, element.clientHeight, revealInset)
        pinned.current.scrollTop = element.scrollTop
      }
    }
    last.current = { rows, layout, scrollTop: element.scrollTop }
    setScrollTop(element.scrollTop)
  }, [rows, follow, layout, viewportHeight])

  useLayoutEffect(() => {
    const element = viewportRef.current
    if (element === null || reveal === null) return
    element.scrollTop = scrollTopToRevealRow(layout, reveal.index, element.scrollTop, element.clientHeight, revealInset)
    pinned.current = reveal.index < rows.length ? { key: rows.keyAt(reveal.index), scrollTop: element.scrollTop } : null
    // Only when asked (and while the layout settles, above): once the person scrolls, lines arriving must not pull the view back.
  }, [reveal])

  const onScroll = (event: JSX.TargetedEvent<HTMLDivElement>) => {
    const element = event.currentTarget
    // A scroll of the person's own (not the one that revealed the row) lets the row go.
    if (pinned.current !== null && Math.abs(element.scrollTop - pinned.current.scrollTop) > 1) pinned.current = null
    let atBottom = isAtBottom(element.scrollTop, element.clientHeight, element.scrollHeight)
    // Leaving the newest line takes a scroll up. A scroll event that did not move up is the list's
    // own scroll to the bottom, seen after lines arrived or the log lost height (a name loading
    // above it): it stays at the bottom and keeps following.
    if (follow && !atBottom && element.scrollTop >= last.current.scrollTop - 1) {
      element.scrollTop = element.scrollHeight
      atBottom = true
    }
    last.current = { rows: last.current.rows, layout: last.current.layout, scrollTop: element.scrollTop }
    setScrollTop(element.scrollTop)
    if (atBottom !== follow) onFollowChange(atBottom)
    if (element.scrollTop < rowHeight * NEAR_TOP_ROWS) onNearTop()
  }

  const range = layoutWindow(layout, scrollTop, viewportHeight, 10)
  const visible = Array.from({ length: range.end - range.start }, (_, offset) => rows.at(range.start + offset))

  return (
    <div class={styles.frame}>
      {loadingOlder ? (
        <div class={styles.loading} role="status">
          Loading older lines…
        </div>
      ) : null}
      <div
        ref={viewportRef}
        class={wrap ? `${styles.viewport} ${styles.wrap}` : styles.viewport}
        data-wrap={wrap ? 'on' : 'off'}
        role="region"
        aria-label="Run log"
        tabIndex={0}
        data-log-viewport
        data-row-count={rows.length}
        onScroll={onScroll}
      >
        <div class={styles.spacer} style={{ height: `${range.totalHeight}px` }}>
          <div class={styles.window} style={{ transform: `translateY(${range.offsetTop}px)` }}>
            {visible.map((row, offset) => (
              <div key={row.key} class={styles.row} style={{ height: `${layout.height(range.start + offset)}px` }} data-row={row.kind}>
                {row.kind === 'event' ? (
                  <LogLine
                    event={row.event}
                    depth={row.depth}
                    query={query}
                    current={row.event.seq === currentSeq}
                    onCopyLink={onCopyLineLink}
                  />
                ) : (
                  <LogGroupHeader
                    kind={row.kind}
                    groupKey={row.key}
                    label={row.label}
                    count={row.count}
                    collapsed={row.collapsed}
                    worst={row.worst}
                    span={row.kind === 'step' ? row.span : null}
                    status={row.kind === 'step' ? row.status : null}
                    until={openStep !== null && row.key === openStep.key ? openStep.now : null}
                    onToggle={onToggleGroup}
                  />
                )}
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  )
}

/** One text line per row, or as many as each message needs when wrapping (headers stay one line). */
function rowLayout(rows: LogRows, rowHeight: number, metrics: TextMetrics | null): RowLayout {
  if (metrics === null) return fixedLayout(rows.length, rowHeight)
  const heights = Array.from({ length: rows.length }, (_, position) => {
    const line = rows.lineText(position)
    if (line === null) return rowHeight
    const width = metrics.messageWidth - line.depth * INDENT_PER_DEPTH
    return rowHeight * wrappedLineCount(line.message, width / metrics.charWidth)
  })
  return measuredLayout(heights)
}

/** The width of one character of the log's font, and of a depth-0 line's message column. */
function measureText(viewport: HTMLElement | null): TextMetrics | null {
  const message = viewport?.querySelector<HTMLElement>('[data-message]')
  if (!message) return null
  const probe = document.createElement('span')
  probe.textContent = '0'.repeat(100)
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre'
  message.appendChild(probe)
  const charWidth = probe.getBoundingClientRect().width / 100
  probe.remove()
  const depth = Number(message.closest<HTMLElement>('[data-depth]')?.dataset.depth ?? 0)
  if (!(charWidth > 0)) return null
  return { charWidth, messageWidth: message.clientWidth + depth * INDENT_PER_DEPTH }
}

/** The first line (not header) from `index` on, looking a screenful ahead at most. */
function firstLineAtOrAfter(rows: LogRows, index: number): number {
  for (let i = Math.max(0, index); i < Math.min(rows.length, index + 64); i++) if (rows.isLine(i)) return i
  return -1
}
