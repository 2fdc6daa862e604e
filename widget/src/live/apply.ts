/**
 * Writes a run's newest picture into every card of this widget that shows that run.
 * setWidgetSyncedState replaces the whole state, so each card's other keys are carried over.
 */
import { isRunSnapshot, type RunSnapshot } from '../card/snapshot.ts'

export interface CardNode {
  widgetSyncedState: { [key: string]: unknown }
  setWidgetSyncedState(state: { [key: string]: unknown }): void
}

export function shownRun(node: CardNode): RunSnapshot | null {
  const snapshot = node.widgetSyncedState.snapshot
  return isRunSnapshot(snapshot) ? snapshot : null
}

export function applySnapshot(nodes: readonly CardNode[], snapshot: RunSnapshot): number {
  let written = 0
  for (const node of nodes) {
    if (shownRun(node)?.runId !== snapshot.runId) continue
    node.setWidgetSyncedState({ ...node.widgetSyncedState, snapshot })
    written++
  }
  return written
}
