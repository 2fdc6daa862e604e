/**
 * Writes a run's newest picture into every card of this widget that shows that run.
 * setWidgetSyncedState replaces the whole state, so each card's other keys are carried over.
 * A card's stored picture may come from any version of the widget (or be partial): only the
 * fields read here are relied on, and each is checked.
 */
import type { RunSnapshot } from '../card/snapshot.ts'
import { isRecord } from '../../../src/is-record.ts'
import { isTerminalStatus } from '../../../supabase/functions/_shared/vocabulary/index.ts'

export interface CardNode {
  widgetSyncedState: { [key: string]: unknown }
  setWidgetSyncedState(state: { [key: string]: unknown }): void
}

/** The stored picture, when it names a run. */
function picture(node: CardNode): (Record<string, unknown> & { runId: string }) | null {
  const snapshot = node.widgetSyncedState.snapshot
  return isRecord(snapshot) && typeof snapshot.runId === 'string' ? { ...snapshot, runId: snapshot.runId } : null
}

/** The run a card shows, or null for an empty card. */
export function shownRunId(node: CardNode): string | null {
  return picture(node)?.runId ?? null
}

/** Whether the card last saw its run finished. */
export function shownFinished(node: CardNode): boolean {
  const status = picture(node)?.status
  return typeof status === 'string' && isTerminalStatus(status)
}

/** Takes "live via …" off the card, leaving the rest of its picture as it is. */
export function clearDriver(node: CardNode): void {
  const shown = picture(node)
  if (shown?.driver) node.setWidgetSyncedState({ ...node.widgetSyncedState, snapshot: { ...shown, driver: null } })
}

export function applySnapshot(nodes: readonly CardNode[], snapshot: RunSnapshot): number {
  let written = 0
  for (const node of nodes) {
    if (shownRunId(node) !== snapshot.runId) continue
    node.setWidgetSyncedState({ ...node.widgetSyncedState, snapshot })
    written++
  }
  return written
}
