/**
 * What a card's buttons and property menu do. This is widget code that runs only on the client
 * that clicked (the plugin API may be used here, never while rendering). Every interaction first
 * brings the card up to date: a card placed by an earlier build is written back in this build's
 * shape, and a driver that is gone — its heartbeat older than STALE_AFTER_MS, or this client's own
 * driver when this code is not running one — is taken off the cards it drove, so anyone can take
 * over or stop.
 */
import { formatUtcSeconds } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { boardPicture } from './card/board-picture.ts'
import { CARD_VERSION, isStale, RETIRED_KEYS, type Liveness } from './card/card-state.ts'
import { readCardNode, updateCard, upgradeCard, type CardNode } from './live/apply.ts'
import { openCardWindow } from './live/card-window.ts'
import { activeDriver, goLive } from './live/go-live.ts'
import type { Driver } from './live/live-driver.ts'
import type { CardAction } from './messages.ts'
import type { RunSnapshot } from './card/snapshot.ts'

/** Where a re-run's new card goes: beside the card, this far to its right. */
const CLONE_GAP = 40

export interface CardInteractions {
  pick: () => Promise<void>
  act: (action: CardAction | 'details' | 'review') => Promise<void>
  toggleLive: () => Promise<void>
  placeButton: () => Promise<void>
  runButton: () => Promise<void>
  updateButton: () => Promise<void>
  checkButton: () => Promise<void>
}

function me(): Driver {
  const user = figma.currentUser
  return { name: user?.name ?? 'Someone', id: String(user?.sessionId ?? user?.id ?? 'unknown') }
}

const cards = (): readonly WidgetNode[] => figma.currentPage.findWidgetNodesByWidgetId(figma.widgetId ?? '')

async function cardNode(nodeId: string): Promise<WidgetNode> {
  const node = await figma.getNodeByIdAsync(nodeId)
  if (node?.type !== 'WIDGET') throw new Error('this card is no longer on the board')
  return node
}

/**
 * A new run's card beside `node`, not kept live. The copy starts from this card's state: what it
 * must not keep (a button, a driver) is overridden too.
 */
function dropRunCardBeside(node: WidgetNode, started: RunSnapshot): WidgetNode {
  const clone = node.cloneWidget({ ...RETIRED_KEYS, version: CARD_VERSION, snapshot: boardPicture(started), live: null, button: null })
  // cloneWidget parents the copy under the page (plugin typings, WidgetNode.cloneWidget), and
  // x and y are relative to the parent: a card in a section gets its copy in that section.
  node.parent?.appendChild(clone)
  clone.x = node.x + node.width + CLONE_GAP
  clone.y = node.y
  return clone
}

/** Takes a gone driver's name off every card it drove. */
function clearDriver(driverId: string): void {
  for (const node of cards()) {
    if (readCardNode(node).live?.driverId === driverId) updateCard(node, (card) => ({ ...card, live: null }))
  }
}

/** The card in this build's shape, with a gone driver cleared; returns the driver it cleared, if any. */
function bringUpToDate(node: CardNode): Liveness | null {
  upgradeCard(node)
  const { live } = readCardNode(node)
  if (!live) return null
  const gone = isStale(live, Date.now()) || (live.driverId === me().id && activeDriver() === null)
  if (!gone) return null
  clearDriver(live.driverId)
  return live
}

export function cardInteractions(nodeId: string): CardInteractions {
  const prepare = async () => {
    const node = await cardNode(nodeId)
    return { node, gone: bringUpToDate(node) }
  }

  const pick = async () => {
    const { node } = await prepare()
    await openCardWindow(
      { kind: 'picker' },
      { visible: true, title: 'Pick a run' },
      {
        // Another run is not the one anyone kept live here.
        onPicked: (picked) => void updateCard(node, (card) => ({ ...card, snapshot: picked, live: null })),
      },
    )
  }

  const act = async (action: CardAction | 'details' | 'review') => {
    const { node } = await prepare()
    const { snapshot } = readCardNode(node)
    if (!snapshot) return
    if (action === 'review') {
      await openCardWindow(
        { kind: 'review', runId: snapshot.runId },
        { visible: true, title: `Review: ${snapshot.title}`, width: 420, height: 480 },
        {
          onDone: (result) =>
            void (result.snapshot && updateCard(node, (card) => ({ ...card, snapshot: result.snapshot ?? card.snapshot }))),
        },
      )
      return
    }
    if (action === 'details') {
      await openCardWindow({ kind: 'details', runId: snapshot.runId }, { visible: true, title: snapshot.title, width: 640, height: 640 })
      return
    }
    await openCardWindow(
      { kind: 'action', action, runId: snapshot.runId },
      { visible: false },
      {
        onDone: (result) => {
          if (result.snapshot) {
            const fresh = result.snapshot
            updateCard(node, (card) => ({ ...card, snapshot: fresh }))
          }
          // A new run gets its own card beside this one, not kept live.
          if (result.started) dropRunCardBeside(node, result.started)
        },
      },
    )
  }

  const toggleLive = async () => {
    const { node, gone } = await prepare()
    if (gone) {
      figma.notify(
        `Live updates via ${gone.driver} had stopped (last update ${formatUtcSeconds(gone.heartbeat) ?? 'unknown'}). Choose Go live to keep the cards live.`,
      )
      return
    }
    const { live } = readCardNode(node)
    if (live) {
      // Anyone may stop: the driver, on whichever client, reads the cards again before each write and stops.
      clearDriver(live.driverId)
      activeDriver()?.recheck()
      return
    }
    await goLive(me(), cards)
  }

  const placeButton = async () => {
    const { node } = await prepare()
    await openCardWindow(
      { kind: 'place-button' },
      { visible: true, title: 'Make a runbook button', width: 420, height: 600 },
      { onButtonPlaced: (button) => void updateCard(node, (card) => ({ ...card, button, snapshot: null, live: null })) },
    )
  }

  const runButton = async () => {
    const { node } = await prepare()
    const { button } = readCardNode(node)
    if (!button) return
    // Secret inputs are typed for each press, in a window; without them the press needs no screen.
    const asks = button.secretKeys.length > 0
    let started = false
    await openCardWindow(
      { kind: 'button', action: 'run', button },
      asks ? { visible: true, title: `Run: ${button.title}`, width: 420, height: 360 } : { visible: false },
      {
        onButtonDone: (result) => {
          if (!result.started) return
          const picture = result.started
          // The button shows its last run; the run gets its own card beside it.
          updateCard(node, (card) => ({
            ...card,
            snapshot: picture,
            button: card.button && { ...card.button, newerRevision: result.newerRevision ?? null },
          }))
          dropRunCardBeside(node, picture)
          started = true
          return 'keep-code'
        },
      },
    )
    // Both cards go live at once, kept by whoever pressed Run (anyone may stop or take over, as with Go live).
    if (started) await goLive(me(), cards)
  }

  const updateButton = async () => {
    const { node } = await prepare()
    const { button } = readCardNode(node)
    if (!button) return
    await openCardWindow(
      { kind: 'button', action: 'update', button },
      { visible: false },
      { onButtonDone: (result) => void (result.button && updateCard(node, (card) => ({ ...card, button: result.button ?? card.button }))) },
    )
  }

  const checkButton = async () => {
    const { node } = await prepare()
    const { button } = readCardNode(node)
    if (!button) return
    await openCardWindow(
      { kind: 'button', action: 'check', button },
      { visible: false },
      {
        onButtonDone: (result) => {
          updateCard(node, (card) => ({ ...card, button: card.button && { ...card.button, newerRevision: result.newerRevision ?? null } }))
          if (!result.newerRevision)
            figma.notify(`“${button.title}” is up to date: rev ${button.revision} is the template’s current revision.`)
        },
      },
    )
  }

  return { pick, act, toggleLive, placeButton, runButton, updateButton, checkButton }
}
