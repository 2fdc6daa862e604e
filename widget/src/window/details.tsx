/** @jsx h */
/**
 * A run in the widget's window: the plugin's own log viewer (live, virtualised, searchable, with
 * artifacts, Cancel, Approve/Reject and Re-run), so opening a card shows what the plugin shows.
 * Log text is rendered as text, never as HTML. A re-run opens in the same window.
 */
import { h } from 'preact'
import { useState } from 'preact/hooks'
import type { RunStreamHandle } from '../../../src/client/types.ts'
import { RunLogViewer } from '../../../src/ui/components/run-log-viewer/run-log-viewer.tsx'
import styles from './window.css'

export function Details(props: { runId: string }) {
  const [shown, setShown] = useState<{ runId: string; stream: RunStreamHandle | null }>({ runId: props.runId, stream: null })
  return (
    <div class={styles.details}>
      <RunLogViewer
        key={shown.runId}
        runId={shown.runId}
        stream={shown.stream}
        onOpenRun={(runId, stream) => setShown({ runId, stream })}
      />
    </div>
  )
}
