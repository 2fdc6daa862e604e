import { useEffect, useState } from 'preact/hooks'
import { EventStore } from '../../client/event-store.ts'
import type { RunStreamHandle, RunStreamState } from '../../client/types.ts'

const CLOSED: RunStreamState = {
  run: null,
  events: new EventStore(''),
  artifacts: [],
  hasOlder: false,
  loadingOlder: false,
  live: 'connecting',
  error: null,
}

/** The stream's latest state, re-rendering on every change. */
export function useRunStream(handle: RunStreamHandle | null): RunStreamState {
  const [state, setState] = useState<RunStreamState>(() => handle?.state ?? CLOSED)
  useEffect(() => {
    if (handle === null) return
    setState(handle.state)
    return handle.subscribe(setState)
  }, [handle])
  return handle === null ? CLOSED : state
}
