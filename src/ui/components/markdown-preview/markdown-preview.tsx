import { h } from 'preact'
import { useMemo } from 'preact/hooks'
import { renderMarkdown } from '../../markdown/render-markdown.tsx'
import styles from './markdown-preview.css'

export interface MarkdownPreviewProps {
  source: string
  /** Task checkboxes are live when given: the Nth checkbox toggles the Nth task of the source. */
  onToggleTask?: (index: number) => void
  label?: string
}

/** Rendered markdown, as elements built from its tokens (never as HTML). */
export function MarkdownPreview({ source, onToggleTask, label = 'Preview' }: MarkdownPreviewProps) {
  const content = useMemo(() => renderMarkdown(source), [source])
  const onClick = (event: MouseEvent) => {
    const target = event.target
    if (!(target instanceof HTMLInputElement) || target.type !== 'checkbox') return
    const index = Number(target.dataset.taskIndex)
    if (onToggleTask === undefined || !Number.isInteger(index)) {
      event.preventDefault()
      return
    }
    // The source decides what is checked: re-rendering from it shows the new state.
    onToggleTask(index)
  }
  return (
    <div
      class={`${styles.preview} ${onToggleTask === undefined ? styles.readOnly : ''}`}
      role="document"
      aria-label={label}
      // It scrolls: keyboard users reach it to scroll it.
      tabIndex={0}
      data-markdown-preview
      onClick={onClick}
    >
      {content}
    </div>
  )
}
