import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { RunHistoryHandle, RunHistoryState } from '../../client/run-history.ts'
import type { RunRow, RunStatus } from '../../client/types.ts'
import type { OpsServices } from '../services/ops-services.ts'
import { finishedRuns } from '../view-models/finished-runs.ts'

const NONE: RunHistoryState = { runs: null, live: false, error: null }

/**
 * The current workspace's runs, opened once the signed-in user's workspace is known and opened
 * again when they switch (`workspaceId`). Open while the plugin is, not only while the Runs tab
 * shows it: a run that ends is announced from any tab.
 */
export function useOpenRunHistory(services: OpsServices, userId: string | null, workspaceId: string | null): RunHistoryHandle | null {
  const history = useMemo(
    () => (userId === null || workspaceId === null ? null : services.openRunHistory()),
    [services, userId, workspaceId],
  )
  useEffect(() => () => void history?.close(), [history])
  return history
}

/** The history's latest state, re-rendering on every change. */
export function useRunHistory(history: RunHistoryHandle | null): RunHistoryState {
  const [state, setState] = useState<RunHistoryState>(() => history?.state ?? NONE)
  useEffect(() => {
    if (history === null) return
    setState(history.state)
    return history.subscribe(setState)
  }, [history])
  return history === null ? NONE : state
}

/** Calls `onFinished` for each run that ends while the plugin is open, whatever is on screen. */
export function useRunFinishedNotices(history: RunHistoryHandle | null, onFinished: (run: RunRow) => void): void {
  const callback = useRef(onFinished)
  callback.current = onFinished
  useEffect(() => {
    if (history === null) return
    let statuses: ReadonlyMap<string, RunStatus> = new Map()
    const apply = (state: RunHistoryState) => {
      if (state.runs === null) return
      const next = finishedRuns(statuses, state.runs)
      statuses = next.statuses
      for (const run of next.finished) callback.current(run)
    }
    apply(history.state)
    return history.subscribe(apply)
  }, [history])
}
