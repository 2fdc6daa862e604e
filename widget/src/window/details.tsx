/** @jsx h */
/**
 * A run in the widget's window: status, steps, the latest log lines and the artifacts. Log text
 * is rendered as text, never as HTML. The full log viewer is the plugin's Runs tab.
 */
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { LoadingIndicator, Text } from '@create-figma-plugin/ui'
import { openRunStream } from '../../../src/client/run-stream.ts'
import type { OpsApi, RunStreamState } from '../../../src/client/types.ts'
import type { OpsClient } from '../../../src/client/supabase.ts'
import { STATUS_BADGES } from '../card/card-model.ts'

export function Details(props: { client: OpsClient; api: OpsApi; runId: string }) {
  const [state, setState] = useState<RunStreamState | null>(null)
  useEffect(() => {
    const stream = openRunStream(props.client, props.api, props.runId, { tailSize: 200 })
    const stop = stream.subscribe(setState)
    return () => {
      stop()
      void stream.close()
    }
  }, [props.runId])

  if (!state?.run) return state?.error ? <p role="alert" class="error">{state.error}</p> : <LoadingIndicator />
  const { run } = state
  const badge = STATUS_BADGES[run.status]
  return (
    <div class="stack">
      <div class="row"><strong class="title">{run.title}</strong><span class="badge" style={{ background: badge.fill, color: badge.text }}>{badge.label}</span></div>
      <Text>{run.template_slug ?? 'custom'} · {run.env}{run.summary ? ` · ${run.summary}` : ''}</Text>
      <ol class="steps">
        {(run.plan?.steps ?? []).map((step) => <li key={step.id}>{step.title}: {run.step_results[step.id]?.status ?? 'not run'}</li>)}
      </ol>
      <pre class="log" aria-label="Latest log lines">{state.events.map((event) => `${String(event.seq).padStart(5)} ${event.level.padEnd(5)} ${event.message}`).join('\n')}</pre>
      {state.artifacts.length > 0 ? (
        <ul class="artifacts">
          {state.artifacts.map((artifact) => (
            <li key={artifact.id}>{artifact.url ? <a href={artifact.url} target="_blank" rel="noopener noreferrer">{artifact.title}</a> : `${artifact.title} (${artifact.kind})`}</li>
          ))}
        </ul>
      ) : null}
      <Text>The full log, with search and download, is in the Ops Control Room plugin under Runs.</Text>
    </div>
  )
}
