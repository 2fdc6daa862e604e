import { h, type JSX } from 'preact'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import { useElementHeight } from '../../hooks/use-element-height.ts'
import type { LogRow } from '../../view-models/log-rows.ts'
import { isAtBottom, scrollTopToReveal, virtualWindow } from '../../view-models/virtual-window.ts'
import { LogGroupHeader } from '../log-group-header/log-group-header.tsx'
import { LogLine } from '../log-line/log-line.tsx'
import styles from './virtual-log-list.css'

/** A request to bring a row into view; `token` changes for each request, even to the same row. */
export interface RevealRequest {
  index: number
  token: number
}

export interface VirtualLogListProps {
  rows: readonly LogRow[]
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
}

const NEAR_TOP_ROWS = 5

/**
 * The log as one fixed-row-height list of which only the rows in view (plus a margin) exist in
 * the DOM. Scrolled to the bottom it follows new lines; scrolled anywhere else it keeps the line
 * at the top of the view in place while lines arrive or older pages are inserted above.
 */
export function VirtualLogList(props: VirtualLogListProps) {
  const { rows, rowHeight, follow, onFollowChange, onNearTop, loadingOlder, reveal, query, currentSeq, onToggleGroup } = props
  const viewportRef = useRef<HTMLDivElement | null>(null)
  const viewportHeight = useElementHeight(viewportRef)
  const [scrollTop, setScrollTop] = useState(0)
  const last = useRef<{ rows: readonly LogRow[]; scrollTop: number }>({ rows, scrollTop: 0 })

  useLayoutEffect(() => {
    const element = viewportRef.current
    if (element === null) return
    if (follow) {
      element.scrollTop = element.scrollHeight
    } else if (last.current.rows !== rows) {
      // Anchor on a log line, not a group header: a header's key is its group's first line,
      // which changes when older lines of the same group are inserted above.
      const before = last.current
      const anchorIndex = firstLineAtOrAfter(before.rows, Math.floor(before.scrollTop / rowHeight))
      const anchor = anchorIndex === -1 ? undefined : before.rows[anchorIndex]
      if (anchor !== undefined && rows[anchorIndex]?.key !== anchor.key) {
        const index = rows.findIndex((row) => row.key === anchor.key)
        if (index !== -1) element.scrollTop = before.scrollTop + (index - anchorIndex) * rowHeight
      }
    }
    last.current = { rows, scrollTop: element.scrollTop }
    setScrollTop(element.scrollTop)
  }, [rows, follow, rowHeight, viewportHeight])

  useLayoutEffect(() => {
    const element = viewportRef.current
    if (element === null || reveal === null) return
    element.scrollTop = scrollTopToReveal(reveal.index, rowHeight, element.scrollTop, element.clientHeight)
  }, [reveal, rowHeight])

  const onScroll = (event: JSX.TargetedEvent<HTMLDivElement>) => {
    const element = event.currentTarget
    last.current = { rows: last.current.rows, scrollTop: element.scrollTop }
    setScrollTop(element.scrollTop)
    const atBottom = isAtBottom(element.scrollTop, element.clientHeight, element.scrollHeight)
    if (atBottom !== follow) onFollowChange(atBottom)
    if (element.scrollTop < rowHeight * NEAR_TOP_ROWS) onNearTop()
  }

  const range = virtualWindow({ scrollTop, viewportHeight, rowHeight, rowCount: rows.length, overscan: 10 })
  const visible = rows.slice(range.start, range.end)

  return (
    <div class={styles.frame}>
      {loadingOlder ? (
        <div class={styles.loading} role="status">
          Loading older lines…
        </div>
      ) : null}
      <div
        ref={viewportRef}
        class={styles.viewport}
        role="region"
        aria-label="Run log"
        tabIndex={0}
        data-log-viewport
        data-row-count={rows.length}
        onScroll={onScroll}
      >
        <div class={styles.spacer} style={{ height: `${range.totalHeight}px` }}>
          <div class={styles.window} style={{ transform: `translateY(${range.offsetTop}px)` }}>
            {visible.map((row) => (
              <div key={row.key} class={styles.row} style={{ height: `${rowHeight}px` }} data-row={row.kind}>
                {row.kind === 'event' ? (
                  <LogLine event={row.event} depth={row.depth} query={query} current={row.event.seq === currentSeq} />
                ) : (
                  <LogGroupHeader
                    kind={row.kind}
                    groupKey={row.key}
                    label={row.label}
                    count={row.count}
                    collapsed={row.collapsed}
                    worst={row.worst}
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

/** The first line (not header) from `index` on, looking a screenful ahead at most. */
function firstLineAtOrAfter(rows: readonly LogRow[], index: number): number {
  for (let i = Math.max(0, index); i < Math.min(rows.length, index + 64); i++) if (rows[i].kind === 'event') return i
  return -1
}
