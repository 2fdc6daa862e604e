import { h } from 'preact'
import type { EventRow } from '../../../client/types.ts'
import { formatLocalClock } from '../../view-models/times.ts'
import { highlightSegments } from '../../view-models/log-search.ts'
import styles from './log-line.css'

const LEVEL_CLASS: Readonly<Record<string, string>> = { debug: styles.debug, warn: styles.warn, error: styles.error }
const DEPTH_CLASS = [styles.depth0, styles.depth1, styles.depth2] as const

export interface LogLineProps {
  event: EventRow
  depth: 0 | 1 | 2
  query: string
  /** The search match the person moved to, or the line a link opened. */
  current: boolean
  /** Copies a link to this line; no link button without it. */
  onCopyLink?: (seq: number) => void
}

/** One log line. The message is text: Preact escapes it, and matches are <mark> around text. */
export function LogLine({ event, depth, query, current, onCopyLink }: LogLineProps) {
  const segments = highlightSegments(event.message, query)
  return (
    <div
      class={`${styles.line} ${DEPTH_CLASS[depth]} ${LEVEL_CLASS[event.level] ?? ''} ${current ? styles.current : ''}`}
      data-seq={event.seq}
      data-level={event.level}
      data-depth={depth}
      title={event.message}
    >
      {onCopyLink === undefined ? null : (
        <button
          type="button"
          class={styles.link}
          aria-label={`Copy link to line ${event.seq}`}
          title="Copy link to line"
          onClick={() => onCopyLink(event.seq)}
          data-line-link
        >
          #
        </button>
      )}
      <span class={styles.time}>{formatLocalClock(event.ts)}</span>
      <span class={styles.level}>{event.level.toUpperCase()}</span>
      <span class={styles.message} data-message>
        {segments.map((segment, i) =>
          segment.match ? (
            <mark key={i} class={styles.match}>
              {segment.text}
            </mark>
          ) : (
            segment.text
          ),
        )}
      </span>
    </div>
  )
}
