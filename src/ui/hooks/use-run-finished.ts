import { useEffect, useRef } from 'preact/hooks'
import type { RunRow } from '../../client/types.ts'
import { isTerminal } from '../view-models/run-status.ts'

/**
 * Calls `onFinished` when a run ends while it is on screen: once, and only if it was seen still
 * going (opening an old run announces nothing). The plugin turns it into a figma.notify.
 */
export function useRunFinished(run: RunRow | null, onFinished: ((run: RunRow) => void) | undefined): void {
  const sawActive = useRef(false)
  const announced = useRef(false)
  useEffect(() => {
    if (run === null || onFinished === undefined) return
    if (!isTerminal(run.status)) sawActive.current = true
    else if (sawActive.current && !announced.current) {
      announced.current = true
      onFinished(run)
    }
  }, [run?.status])
}
