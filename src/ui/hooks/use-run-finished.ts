import { emit } from '@create-figma-plugin/utilities'
import { useEffect, useRef } from 'preact/hooks'
import type { RunRow } from '../../client/types.ts'
import type { RunFinishedHandler } from '../../messages.ts'
import { runCardData } from '../view-models/run-card-data.ts'
import { isTerminal } from '../view-models/run-status.ts'

/**
 * Tells the main thread (which shows figma.notify) when a run ends while it is on screen: once,
 * and only if it was seen still going (opening an old run announces nothing).
 */
export function useRunFinishedNotice(run: RunRow | null): void {
  const sawActive = useRef(false)
  const announced = useRef(false)
  useEffect(() => {
    if (run === null) return
    if (!isTerminal(run.status)) sawActive.current = true
    else if (sawActive.current && !announced.current) {
      announced.current = true
      emit<RunFinishedHandler>('RUN_FINISHED', runCardData(run))
    }
  }, [run?.status])
}
