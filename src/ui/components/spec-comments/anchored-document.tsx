import { h } from 'preact'
import { useMemo } from 'preact/hooks'
import type { SpecAnchor } from '../../../../supabase/functions/_shared/spec/anchors.ts'
import { ANCHOR_KIND_LABELS } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import { renderMarkdown } from '../../markdown/render-markdown.tsx'
import type { AnchorCount, AnchoredBlock } from '../../view-models/spec-comment-threads.ts'
import { anchorLabel } from './anchor-label.ts'
import preview from '../markdown-preview/markdown-preview.css'
import styles from './spec-comments.css'

/** A passage the person selected, and the anchor whose text holds it. */
export interface SelectedPassage {
  quote: string
  anchor: SpecAnchor | null
}

export interface AnchoredDocumentProps {
  title: string
  blocks: readonly AnchoredBlock[]
  counts: ReadonlyMap<string, AnchorCount>
  /** The anchor whose threads the panel shows. */
  focusKey: string | null
  onPickAnchor: (anchor: SpecAnchor) => void
  onSelectPassage: (passage: SelectedPassage | null) => void
}

/** The longest passage a comment quotes (the database allows 10,000 characters). */
const MAX_QUOTE = 2000

/**
 * The document, cut at its anchors, each with a button beside it that shows how many comments are
 * open on it and opens its threads. Every block's markdown becomes Preact elements as the preview's does (never HTML).
 */
export function AnchoredDocument({ title, blocks, counts, focusKey, onPickAnchor, onSelectPassage }: AnchoredDocumentProps) {
  const rendered = useMemo(() => blocks.map((block) => renderMarkdown(block.markdown)), [blocks])
  // A selection ends with the mouse, or from the keyboard (Shift+arrows with caret browsing).
  const onSelectionEnd = (event: MouseEvent | KeyboardEvent) => {
    const selection = window.getSelection()
    const quote = selection?.toString().trim() ?? ''
    if (selection === null || quote === '' || !(event.currentTarget instanceof HTMLElement)) {
      onSelectPassage(null)
      return
    }
    const node = selection.anchorNode
    const element = node instanceof Element ? node : (node?.parentElement ?? null)
    if (element === null || !event.currentTarget.contains(element)) return
    const key = element.closest<HTMLElement>('[data-anchor-block]')?.dataset.anchorBlock
    const anchor = blocks.find((block) => block.anchor?.key === key)?.anchor ?? null
    onSelectPassage({ quote: quote.slice(0, MAX_QUOTE), anchor })
  }
  return (
    <div
      // The preview's markdown styles, so the document reads the same in both views.
      class={`${preview.preview} ${styles.document}`}
      role="document"
      aria-label={`${title} with comments`}
      // It scrolls: keyboard users reach it to scroll it.
      tabIndex={0}
      onMouseUp={onSelectionEnd}
      onKeyUp={onSelectionEnd}
      onClick={(event) => {
        // Task checkboxes are read-only here: the Preview and Write modes change the text.
        if (event.target instanceof HTMLInputElement && event.target.type === 'checkbox') event.preventDefault()
      }}
      data-anchored-document
    >
      {blocks.map((block, index) => {
        const anchor = block.anchor
        const count = anchor === null ? undefined : counts.get(anchor.key)
        const label = anchor === null ? '' : `${ANCHOR_KIND_LABELS[anchor.kind]} ${anchorLabel(anchor)}`
        return (
          <div
            key={`${index}:${anchor?.key ?? ''}`}
            class={anchor !== null && anchor.key === focusKey ? `${styles.block} ${styles.focused}` : styles.block}
            data-anchor-block={anchor?.key}
          >
            <div class={styles.gutter}>
              {anchor === null ? null : (
                <button
                  type="button"
                  class={
                    count === undefined
                      ? `${styles.count} ${styles.none}`
                      : count.open > 0
                        ? `${styles.count} ${styles.open}`
                        : styles.count
                  }
                  aria-label={
                    count === undefined
                      ? `Comment on ${label}`
                      : `${label}: ${count.open} open ${count.open === 1 ? 'comment' : 'comments'} of ${count.total}; show`
                  }
                  aria-pressed={anchor.key === focusKey}
                  onClick={() => onPickAnchor(anchor)}
                  data-anchor-count={anchor.key}
                  data-open-count={count?.open ?? 0}
                >
                  {count === undefined ? '+' : count.open > 0 ? String(count.open) : `✓ ${count.total}`}
                </button>
              )}
            </div>
            {/* Preact elements from markdown tokens: no HTML string is ever made. */}
            <div class={styles.blockText}>{rendered[index]}</div>
          </div>
        )
      })}
    </div>
  )
}
