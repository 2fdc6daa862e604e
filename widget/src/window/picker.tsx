/** @jsx h */
/** Lists the recent runs of the signed-in person's workspace, searchable; picking one binds the card to it. */
import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { LoadingIndicator, Text } from '@create-figma-plugin/ui'
import { SearchBox } from '../../../src/ui/components/search-box/search-box.tsx'
import type { OpsApi, RunRow } from '../../../src/client/types.ts'
import { STATUS_BADGES } from '../card/card-model.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import styles from './window.css'

export function Picker(props: { api: OpsApi; onPick(run: RunRow): Promise<void> }) {
  const [runs, setRuns] = useState<RunRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [picking, setPicking] = useState<string | null>(null)

  useEffect(() => {
    props.api.listRuns({ limit: 100 }).then(setRuns, (e: unknown) => setError(errorMessage(e)))
  }, [])

  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean)
    return (runs ?? []).filter((run) => {
      const text = `${run.title} ${run.template_slug ?? ''} ${run.env} ${STATUS_BADGES[run.status].label}`.toLowerCase()
      return words.every((word) => text.includes(word))
    })
  }, [runs, query])

  if (error)
    return (
      <p role="alert" class={styles.error}>
        Could not list your runs: {error}
      </p>
    )
  if (!runs) return <LoadingIndicator />
  return (
    <div class={styles.stack}>
      <SearchBox
        aria-label="Search runs"
        value={query}
        onValueInput={setQuery}
        placeholder="Search runs by title, template, env or status"
      />
      {shown.length === 0 ? (
        <Text>{runs.length === 0 ? 'You have no runs yet. Start one from the Ops Control Room plugin.' : 'No run matches.'}</Text>
      ) : null}
      <ul class={styles.runs}>
        {shown.map((run) => (
          <li key={run.id}>
            <button
              type="button"
              class={styles.run}
              disabled={picking !== null}
              onClick={() => {
                setPicking(run.id)
                props.onPick(run).catch((e: unknown) => {
                  setError(errorMessage(e))
                  setPicking(null)
                })
              }}
            >
              <span class={styles.title}>{run.title}</span>
              <span class={styles.badge} style={{ background: STATUS_BADGES[run.status].fill, color: STATUS_BADGES[run.status].text }}>
                {STATUS_BADGES[run.status].label}
              </span>
              <span class={styles.meta}>
                {run.template_slug ?? 'custom'} · {run.env} · {new Date(run.created_at).toLocaleString()}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
