/**
 * Reads and writes a card node's synced state from the widget's code (event handlers and the live
 * driver), for this card and every other card of the widget on the page.
 *
 * setWidgetSyncedState "sets the entire synced state and synced map values" and clears the
 * existing state first (@figma/widget-typings' plugin API, WidgetNode.setWidgetSyncedState), and
 * another card's maps cannot be read. So every write starts from the card's current state, read
 * just before, carries over keys this build does not know, and passes the card's maps explicitly:
 * none, since a card keeps nothing in synced maps (card-state.ts).
 */
import { isTerminalStatus } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { isOutdated, readCard, RETIRED_KEYS, type CardState } from '../card/card-state.ts'
import { boardPicture } from '../card/board-picture.ts'

/** The part of WidgetNode the widget's code uses. */
export interface CardNode {
  readonly widgetSyncedState: { [key: string]: unknown }
  setWidgetSyncedState(state: { [key: string]: unknown }, maps?: { [name: string]: { [key: string]: unknown } }): void
}

/** A card's maps: none (card-state.ts says why). */
const NO_MAPS = {}

export function readCardNode(node: CardNode): CardState {
  return readCard(node.widgetSyncedState)
}

/**
 * Writes `change` of the card's current state; returns what was written. Every write passes the
 * picture through the board rule again, so a card placed by an earlier build, or holding more than
 * its workspace now allows, is scrubbed by its next write of any kind.
 */
export function updateCard(node: CardNode, change: (card: CardState) => CardState): CardState {
  const stored = node.widgetSyncedState
  const changed = change(readCard(stored))
  const next = { ...changed, snapshot: changed.snapshot && boardPicture(changed.snapshot) }
  // `version`, `snapshot`, `live`: earlier versions' keys are overwritten or retired, unknown keys carried.
  node.setWidgetSyncedState({ ...stored, ...RETIRED_KEYS, ...next }, NO_MAPS)
  return next
}

/** Writes a card placed by an earlier build back in this build's shape (on its first interaction). */
export function upgradeCard(node: CardNode): void {
  if (isOutdated(node.widgetSyncedState)) updateCard(node, (card) => card)
}

/** The run a card shows, when it is not finished: what Go live keeps live. */
export function unfinishedRunId(card: CardState): string | null {
  return card.snapshot && !isTerminalStatus(card.snapshot.status) ? card.snapshot.runId : null
}
