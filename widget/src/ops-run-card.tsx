/** @jsx figma.widget.h */
/**
 * Ops run card: a FigJam widget that shows one run of Ops Control Room. Rendering is a pure
 * function of synced state — FigJam renders it on every viewer's client, only when that state
 * changes, and refuses the plugin API meanwhile — so it reads its hooks and nothing else: no clock,
 * no other node. What a click does is in card-interactions.ts.
 */
import { readCard } from './card/card-state.ts'
import { cardView } from './card/card-model.ts'
import { EmptyCard, RunCard } from './card/run-card.tsx'
import { ButtonCard } from './card/button-card.tsx'
import { buttonView } from './card/button-model.ts'
import type {} from './card/widget-jsx.ts'
import { cardInteractions } from './card-interactions.ts'

export function OpsRunCard() {
  // Hooks are called through `widget.`: the typings declare them as methods, so taking them off the
  // object would look to the type checker as if they lost their `this`.
  const { widget } = figma
  // Every key of card-state.ts, read as stored: a card placed by an earlier build has no version.
  const [version] = widget.useSyncedState<unknown>('version', null)
  const [snapshot] = widget.useSyncedState<unknown>('snapshot', null)
  const [startedBy] = widget.useSyncedState<unknown>('startedBy', null)
  const [live] = widget.useSyncedState<unknown>('live', null)
  const [button] = widget.useSyncedState<unknown>('button', null)
  const card = readCard({ version, snapshot, startedBy, live, button })
  const interactions = cardInteractions(widget.useWidgetNodeId())

  const isLive = card.live !== null
  widget.usePropertyMenu(
    card.button
      ? [
          ...(card.snapshot
            ? [{ itemType: 'toggle' as const, propertyName: 'live', tooltip: isLive ? 'Stop live updates' : 'Go live', isToggled: isLive }]
            : []),
          { itemType: 'action', propertyName: 'check', tooltip: 'Check for a newer template revision' },
          { itemType: 'action', propertyName: 'update', tooltip: 'Update to the template’s current revision' },
        ]
      : card.snapshot
        ? [
            { itemType: 'toggle', propertyName: 'live', tooltip: isLive ? 'Stop live updates' : 'Go live', isToggled: isLive },
            { itemType: 'action', propertyName: 'refresh', tooltip: 'Refresh now' },
            { itemType: 'separator' },
            { itemType: 'action', propertyName: 'details', tooltip: 'Open log' },
            { itemType: 'action', propertyName: 'pick', tooltip: 'Pick another run' },
          ]
        : [{ itemType: 'action', propertyName: 'pick', tooltip: 'Pick a run' }],
    ({ propertyName }) => {
      if (propertyName === 'pick') return interactions.pick()
      if (propertyName === 'update') return interactions.updateButton()
      if (propertyName === 'check') return interactions.checkButton()
      if (propertyName === 'live') return interactions.toggleLive()
      if (propertyName === 'refresh' || propertyName === 'details') return interactions.act(propertyName)
    },
  )

  if (card.button) {
    return (
      <ButtonCard
        view={buttonView(card.button, card.snapshot, card.live)}
        buttons={{ onRun: interactions.runButton, onUpdate: interactions.updateButton }}
      />
    )
  }
  if (!card.snapshot) return <EmptyCard onPick={interactions.pick} onPlaceButton={interactions.placeButton} />
  return (
    <RunCard
      view={cardView({ ...card, snapshot: card.snapshot })}
      status={card.snapshot.status}
      buttons={{ onPick: interactions.pick, onAction: interactions.act }}
    />
  )
}
