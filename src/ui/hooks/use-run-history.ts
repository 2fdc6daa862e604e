import { useEffect, useRef, useState } from 'preact/hooks'
import type { RunHistoryHandle, RunHistoryState } from '../../client/run-history.ts'
import type { RunRow, RunStatus } from '../../client/types.ts'
import { finishedRuns } from '../view-models/finished-runs.ts'

const NONE: RunHistoryState = { runs: null, live: false, error: null }

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
