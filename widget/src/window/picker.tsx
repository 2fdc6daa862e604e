/** @jsx h */
/**
 * Lists the recent runs of one of the signed-in person's workspaces (a team's first), everyone's,
 * with who started each and how far a waiting one is with its approvals; searchable by title,
 * template, env, outcome (or status while it runs) or starter. Picking one binds the card to it.
 */
import { h } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { LoadingIndicator, Text } from '@create-figma-plugin/ui'
import { SearchBox } from '../../../src/ui/components/search-box/search-box.tsx'
import type { RunRow } from '../../../src/client/types.ts'
import type { OpsClient } from '../../../src/client/supabase.ts'
import { runBadgeView } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { approvalsOf, approvalsText } from '../card/approvals.ts'
import { myWorkspaces, workspaceRuns, type MyWorkspace } from './team.ts'
import { WorkspaceSelect } from './workspace-select.tsx'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import styles from './window.css'

export function Picker(props: { client: OpsClient; onPick(run: RunRow): Promise<void> }) {
  const [workspaces, setWorkspaces] = useState<MyWorkspace[] | null>(null)
  const [workspaceId, setWorkspaceId] = useState('')
  const [listed, setListed] = useState<{ runs: RunRow[]; names: Map<string, string> } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [picking, setPicking] = useState<string | null>(null)

  useEffect(() => {
    myWorkspaces(props.client).then(
      (mine) => {
        setWorkspaces(mine)
        setWorkspaceId(mine[0]?.id ?? '')
        if (mine.length === 0) setListed({ runs: [], names: new Map() })
      },
      (e: unknown) => setError(errorMessage(e)),
    )
  }, [])
  useEffect(() => {
    if (!workspaceId) return
    setListed(null)
    workspaceRuns(props.client, workspaceId).then(setListed, (e: unknown) => setError(errorMessage(e)))
  }, [workspaceId])

  const runs = listed?.runs ?? null
  const starter = (run: RunRow) => listed?.names.get(run.created_by ?? '') ?? 'a former member'
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean)
    return (runs ?? []).filter((run) => {
      const text = `${run.title} ${run.template_slug ?? ''} ${run.env} ${runBadgeView(run).label} ${starter(run)}`.toLowerCase()
      return words.every((word) => text.includes(word))
    })
  }, [runs, query])

  if (error)
    return (
      <p role="alert" class={styles.error}>
        Could not list your runs: {error}
      </p>
    )
  if (!runs || !workspaces) return <LoadingIndicator />
  return (
    <div class={styles.stack}>
      {workspaces.length > 1 ? <WorkspaceSelect workspaces={workspaces} value={workspaceId} onChange={setWorkspaceId} /> : null}
      <SearchBox
        aria-label="Search runs"
        value={query}
        onValueInput={setQuery}
        placeholder="Search runs by title, template, env, status or who started them"
      />
      {shown.length === 0 ? (
        <Text>{runs.length === 0 ? 'This workspace has no runs yet. Start one from the Ops Control Room plugin.' : 'No run matches.'}</Text>
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
              <RunBadge run={run} />
              <span class={styles.meta}>
                {run.template_slug ?? 'custom'} · {run.env} · started by {starter(run)} · {new Date(run.created_at).toLocaleString()}
                {approvalsLine(run)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The run's outcome once it finished (a dry run is not a plain success), else its status. */
function RunBadge(props: { run: RunRow }) {
  const view = runBadgeView(props.run)
  return (
    <span class={styles.badge} style={{ background: view.fill, color: view.text }}>
      {view.symbol} {view.label}
    </span>
  )
}

function approvalsLine(run: RunRow): string {
  const approvals = approvalsOf(run)
  return approvals ? ` · ${approvalsText(approvals)}` : ''
}
