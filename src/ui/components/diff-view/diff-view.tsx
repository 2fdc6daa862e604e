import { h } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'
import { diffLines } from '../../view-models/diff-lines.ts'
import styles from './diff-view.css'

const CHANGE_LABEL = { added: 'added', removed: 'removed' } as const

/**
 * A unified diff as text lines coloured by kind; the content is never parsed as HTML. It opens
 * scrolled to the first change, with two lines of context above it.
 */
export function DiffView({ diff, label = 'Diff' }: { diff: string; label?: string }) {
  const ref = useRef<HTMLPreElement | null>(null)
  useLayoutEffect(() => {
    const pre = ref.current
    const change = pre?.querySelector<HTMLElement>('[data-diff-line="added"], [data-diff-line="removed"]')
    if (pre && change) pre.scrollTop = Math.max(0, change.offsetTop - 2 * change.offsetHeight)
  }, [diff])
  return (
    // A scrolling region: focusable, so keyboard users can scroll it, and named.
    <pre class={styles.diff} data-diff ref={ref} role="region" aria-label={label} tabIndex={0}>
      {diffLines(diff).map((line, i) => (
        <span
          key={i}
          class={`${styles.line} ${styles[line.kind]}`}
          data-diff-line={line.kind}
          aria-label={line.kind === 'added' || line.kind === 'removed' ? `${CHANGE_LABEL[line.kind]}: ${line.text.slice(1)}` : undefined}
        >
          {line.text === '' ? ' ' : line.text}
        </span>
      ))}
    </pre>
  )
}
