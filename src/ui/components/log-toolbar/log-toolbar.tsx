import { Dropdown, IconButton, IconChevronDown16, IconChevronUp16 } from '@create-figma-plugin/ui'
import { h } from 'preact'
import type { EventLevel } from '../../../client/types.ts'
import { matchCounter } from '../../view-models/log-search.ts'
import { SearchBox } from '../search-box/search-box.tsx'
import styles from './log-toolbar.css'

const LEVEL_OPTIONS: Array<{ value: EventLevel; text: string }> = [
  { value: 'debug', text: 'All levels' },
  { value: 'info', text: 'Info and above' },
  { value: 'warn', text: 'Warnings and errors' },
  { value: 'error', text: 'Errors only' },
]

export interface LogToolbarProps {
  minLevel: EventLevel
  onMinLevelChange: (level: EventLevel) => void
  query: string
  onQueryChange: (query: string) => void
  matchIndex: number
  matchCount: number
  /** The search has not read the whole log yet: the count can still grow. */
  searching?: boolean
  onStepMatch: (direction: 1 | -1) => void
  /** Long lines wrap instead of being cut at the edge. */
  wrap?: boolean
  onWrapChange?: (wrap: boolean) => void
  onCopy: () => void
  onDownload: () => void
  /** "Copied" after a copy, for a moment. */
  notice: string | null
}

/** Level filter, search with previous/next, copy and download of the log. */
export function LogToolbar(props: LogToolbarProps) {
  const { minLevel, onMinLevelChange, query, onQueryChange, matchIndex, matchCount, onStepMatch, onCopy, onDownload, notice } = props
  const { wrap = false, onWrapChange = () => {}, searching = false } = props
  return (
    <div class={styles.toolbar}>
      <div class={styles.level}>
        <span class={styles.hidden} id="log-level-label">
          Level
        </span>
        <Dropdown
          aria-labelledby="log-level-label"
          data-level-filter
          options={LEVEL_OPTIONS}
          value={minLevel}
          onValueChange={(value) => {
            const option = LEVEL_OPTIONS.find((candidate) => candidate.value === value)
            if (option) onMinLevelChange(option.value)
          }}
        />
      </div>
      <div class={styles.search}>
        <SearchBox
          clearLabel="Clear the log search"
          aria-label="Search the log"
          data-log-search
          placeholder="Search"
          value={query}
          onValueInput={onQueryChange}
          clearOnEscapeKeyDown
          onKeyDown={(event) => {
            if (event.key === 'Enter') onStepMatch(event.shiftKey ? -1 : 1)
          }}
        />
      </div>
      {query.trim() === '' ? null : (
        <span class={styles.counter} aria-live="polite" aria-busy={searching} data-match-counter>
          {matchCounter(matchIndex, matchCount, searching)}
        </span>
      )}
      <IconButton
        aria-label="Previous match"
        title="Previous match (Shift+Enter)"
        onClick={() => onStepMatch(-1)}
        disabled={matchCount === 0}
      >
        <IconChevronUp16 />
      </IconButton>
      <IconButton aria-label="Next match" title="Next match (Enter)" onClick={() => onStepMatch(1)} disabled={matchCount === 0}>
        <IconChevronDown16 />
      </IconButton>
      <span class={styles.spacer} />
      {/* Floats under the toolbar, so a notice never pushes the buttons onto a second row. */}
      {notice === null ? null : (
        <span class={styles.notice} role="status">
          {notice}
        </span>
      )}
      <button
        type="button"
        class={wrap ? `${styles.textButton} ${styles.pressed}` : styles.textButton}
        aria-pressed={wrap}
        title="Wrap long lines"
        onClick={() => onWrapChange(!wrap)}
        data-wrap-lines
      >
        Wrap
      </button>
      <button type="button" class={styles.textButton} onClick={onCopy} data-copy-log>
        Copy
      </button>
      <button type="button" class={styles.textButton} onClick={onDownload} data-download-log>
        Download
      </button>
    </div>
  )
}
