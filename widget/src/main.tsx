/** @jsx figma.widget.h */
/**
 * Ops run card: a FigJam widget that shows one run of Ops Control Room. Rendering is a pure
 * function of synced state, so everyone on the board sees the same card; whoever keeps the cards
 * live runs a hidden window that subscribes to the runs and writes their progress into every
 * card of this widget on the page, throttled.
 */
import { cardView } from './card/card-model.ts'
import { EmptyCard, RunCard } from './card/run-card.tsx'
import type { RunSnapshot } from './card/snapshot.ts'
import type {} from './card/widget-jsx.ts'
import { applySnapshot, clearDriver, shownFinished, shownRunId } from './live/apply.ts'
import { openCardWindow } from './live/card-window.ts'
import { ThrottledWriter } from './live/throttle.ts'
import type { CardAction } from './messages.ts'

// Hooks are called through `widget.`: the typings declare them as methods, so taking them off the
// object would look to the type checker as if they lost their `this`.
const { widget } = figma

/** How often a live card may be written, per run. */
const LIVE_INTERVAL_MS = 1000

const me = () => figma.currentUser?.name ?? 'Someone'
const cards = () => figma.currentPage.findWidgetNodesByWidgetId(figma.widgetId ?? '')

/** Drives every card on this page whose run is unfinished: live until all those runs have finished. */
async function driveLiveCards(): Promise<void> {
  const runIds = [
    ...new Set(
      cards()
        .filter((node) => !shownFinished(node))
        .map(shownRunId)
        .filter((runId) => runId !== null),
    ),
  ]
  if (runIds.length === 0) {
    figma.notify('Every run shown on this page has finished: there is nothing to keep live.')
    return
  }
  const writer = new ThrottledWriter({
    intervalMs: LIVE_INTERVAL_MS,
    now: () => Date.now(),
    schedule: (callback, ms) => setTimeout(callback, ms),
    cancel: (handle) => clearTimeout(handle),
    write: (snapshot) => applySnapshot(cards(), snapshot),
  })
  await openCardWindow(
    { kind: 'live', runIds, driver: me() },
    { visible: false },
    {
      onSnapshot: (snapshot) => writer.offer(snapshot),
      onFinished: () => writer.flushAll(),
    },
  )
}

function OpsRunCard() {
  const [snapshot, setSnapshot] = widget.useSyncedState<RunSnapshot | null>('snapshot', null)
  const [startedBy, setStartedBy] = widget.useSyncedState<string | null>('startedBy', null)
  // Several people may switch live on: one entry each, merged per key.
  const live = widget.useSyncedMap<{ name: string; since: number }>('live')
  const nodeId = widget.useWidgetNodeId()
  const myKey = () => String(figma.currentUser?.sessionId ?? 'me')

  const pick = () =>
    openCardWindow(
      { kind: 'picker' },
      { visible: true, title: 'Pick a run' },
      {
        onPicked: (picked) => {
          setSnapshot(picked)
          setStartedBy(me())
        },
      },
    )

  const act = async (action: CardAction | 'details') => {
    if (!snapshot) return
    if (action === 'details') {
      await openCardWindow({ kind: 'details', runId: snapshot.runId }, { visible: true, title: snapshot.title, width: 640, height: 640 })
      return
    }
    await openCardWindow(
      { kind: 'action', action, runId: snapshot.runId },
      { visible: false },
      {
        onDone: async (result) => {
          if (result.snapshot) setSnapshot(result.snapshot)
          if (result.started) {
            // A new run gets its own card beside this one.
            const node = await figma.getNodeByIdAsync(nodeId)
            if (node?.type !== 'WIDGET') return
            const clone = node.cloneWidget({ snapshot: result.started, startedBy: me() }, { live: {} })
            clone.x = node.x + node.width + 40
            clone.y = node.y
          }
        },
      },
    )
  }

  const isLive = live.size > 0 || Boolean(snapshot?.driver)
  widget.usePropertyMenu(
    snapshot
      ? [
          { itemType: 'toggle', propertyName: 'live', tooltip: isLive ? 'Stop live updates' : 'Go live', isToggled: isLive },
          { itemType: 'action', propertyName: 'refresh', tooltip: 'Refresh now' },
          { itemType: 'separator' },
          { itemType: 'action', propertyName: 'details', tooltip: 'Open log' },
          { itemType: 'action', propertyName: 'pick', tooltip: 'Pick another run' },
        ]
      : [{ itemType: 'action', propertyName: 'pick', tooltip: 'Pick a run' }],
    async ({ propertyName }) => {
      if (propertyName === 'pick') return pick()
      if (propertyName === 'refresh' || propertyName === 'details') return act(propertyName)
      if (propertyName === 'live') {
        if (live.has(myKey()) || snapshot?.driver) {
          live.delete(myKey())
          // Cards stop saying who keeps them live; closing ends this client's live window.
          for (const node of cards()) clearDriver(node)
          figma.closePlugin()
          return
        }
        live.set(myKey(), { name: me(), since: Date.now() })
        try {
          await driveLiveCards()
        } finally {
          live.delete(myKey())
        }
      }
    },
  )

  if (!snapshot) return <EmptyCard onPick={pick} />
  return (
    <RunCard view={cardView(snapshot, { now: Date.now(), startedBy })} status={snapshot.status} buttons={{ onPick: pick, onAction: act }} />
  )
}

widget.register(OpsRunCard)
