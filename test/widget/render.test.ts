/**
 * The card as the built widget draws it under the strict fake, for each status of its run, from
 * synced state alone: the same state draws the same card at any time on any client, and a card
 * placed by the build before this one still draws.
 */
import { describe, expect, it } from 'vitest'
import type { RunStatus } from '../../src/client/types.ts'
import { STATUS_BADGES } from '../../widget/src/card/card-model.ts'
import { CARD_VERSION } from '../../widget/src/card/card-state.ts'
import { builtWidget, FakeBoard, FakeClock, FakeFigJamClient, find, texts } from './fake-widget.ts'
import { card, snapshot, versionOneCard } from './fixtures.ts'

const widget = builtWidget()
const clock = new FakeClock(Date.parse('2025-01-03T10:00:42.000Z'))
const board = new FakeBoard(widget.manifest.id)
const viewer = new FakeFigJamClient(board, widget, { id: 'u-ana', name: 'Ana', sessionId: 7 }, { clock })
const draw = (state: Record<string, unknown>, maps: Record<string, Record<string, unknown>> = {}) =>
  viewer.render(board.addCard({ state, maps }))

const statuses: RunStatus[] = ['queued', 'running', 'waiting_approval', 'success', 'error', 'canceled']

describe('the run card widget', () => {
  it('offers to pick a run while it shows none', () => {
    const { tree, menu } = draw({})
    expect(texts(tree)).toEqual([
      'Ops run card',
      'Shows one run of Ops Control Room, live for everyone on the board, or becomes a runbook button that starts one.',
      'Pick a run',
      'Make a runbook button',
    ])
    expect(menu?.items.map((item) => item.propertyName)).toEqual(['pick'])
  })

  it.each(statuses)('draws a %s run: title, badge in its colour, progress, log, footer', (status) => {
    const picture = snapshot(
      {
        lines: [
          { seq: 1, level: 'info', text: 'Claimed by executor w' },
          { seq: 2, level: 'error', text: '<img src=x onerror=alert(1)>' },
        ],
        artifacts: [{ kind: 'link', title: 'acme/web deploy.yml runs', url: 'https://github.com/acme/web/actions' }],
        artifactCount: 1,
        summary: status === 'success' ? 'Deploy web in production: 5 steps succeeded' : null,
        error: status === 'error' ? 'step dispatch failed: Bad credentials' : null,
        finishedAt: ['success', 'error', 'canceled'].includes(status) ? '2025-01-03T10:00:30.000Z' : null,
      },
      status,
    )
    const { tree, menu } = draw({ ...card(picture) })
    const drawn = texts(tree)
    expect(drawn[0]).toBe('Deploy web to production')
    const badge = find(tree, 'status')!
    expect(badge.props.fill).toBe(STATUS_BADGES[status].fill)
    expect(texts(badge)).toEqual([STATUS_BADGES[status].label])
    expect(drawn).toContain('deploy-web · production')
    expect(drawn).toContain('1 of 2 steps · Second')
    // Log text is a Text node's characters: never markup.
    expect(texts(find(tree, 'log')!)).toEqual(['Claimed by executor w', '<img src=x onerror=alert(1)>'])
    expect(find(tree, 'artifacts')!.children[0]).toMatchObject({ type: 'Text', props: { href: 'https://github.com/acme/web/actions' } })
    expect(drawn.at(-1)).toBe('Started by Ana 10:00 UTC · updated 10:00:10 UTC')
    const buttons = texts(find(tree, 'actions')!)
    expect(buttons).toEqual(
      {
        queued: ['Cancel', 'Open log'],
        running: ['Cancel', 'Open log'],
        waiting_approval: ['Review', 'Cancel', 'Open log'],
        success: ['Run again', 'Open log'],
        error: ['Run again', 'Open log'],
        canceled: ['Run again', 'Open log'],
      }[status],
    )
    if (status === 'success') expect(drawn).toContain('Deploy web in production: 5 steps succeeded')
    if (status === 'error') expect(drawn).toContain('step dispatch failed: Bad credentials')
    expect(menu?.items.map((item) => item.propertyName)).toEqual(['live', 'refresh', undefined, 'details', 'pick'])
    expect(menu?.items[0]).toMatchObject({ itemType: 'toggle', tooltip: 'Go live', isToggled: false })
  })

  it('says who keeps it live and when their code last wrote it, and offers to stop', () => {
    const heartbeat = Date.parse('2025-01-03T14:02:31.000Z')
    const { tree, menu } = draw({ ...card(snapshot(), { live: { driver: 'Ben', driverId: '8', heartbeat, problem: 'Failed to fetch' } }) })
    expect(menu?.items[0]).toMatchObject({ itemType: 'toggle', propertyName: 'live', tooltip: 'Stop live updates', isToggled: true })
    expect(texts(find(tree, 'live')!)).toEqual(['Live via Ben · last update 14:02:31 UTC', 'Retrying: Failed to fetch'])
  })

  it('draws the same card from the same state whenever it is drawn: nothing reads the clock', async () => {
    const live = { driver: 'Ben', driverId: '8', heartbeat: clock.time - 5_000, problem: null }
    const state = { ...card(snapshot({ startedAt: '2025-01-03T10:00:01.000Z' }, 'running'), { live }) }
    const first = JSON.stringify(draw(state).tree)
    await clock.advance(3_600_000)
    expect(JSON.stringify(draw(state).tree)).toBe(first)
    expect(texts(draw(state).tree)).toContain('36.0 s')
  })

  it('keeps nothing in synced maps: a card draws the same with its maps cleared', () => {
    const state = { ...card(snapshot()) }
    expect(JSON.stringify(draw(state, { live: { '7': { name: 'Ana', since: 0 } } }).tree)).toBe(JSON.stringify(draw(state).tree))
  })

  it.each([
    ['kept live', 'Ben', ['Live via Ben · last update 10:00:10 UTC'], true],
    ['not live', null, [], false],
  ])('draws a card the build before this one placed, %s', (_, driver, liveTexts, toggled) => {
    const placed = versionOneCard(snapshot(), driver)
    const { tree, menu } = draw(placed.state, placed.maps)
    expect(texts(tree)[0]).toBe('Deploy web to production')
    expect(texts(find(tree, 'live') ?? null)).toEqual(liveTexts)
    expect(menu?.items[0]).toMatchObject({ propertyName: 'live', isToggled: toggled })
  })

  it('draws whatever a card holds that it cannot read as an empty card, never throwing', () => {
    for (const state of [
      { snapshot: { runId: 'r' } },
      { snapshot: 'x', live: 5, version: CARD_VERSION },
      { version: 99, snapshot: null },
    ]) {
      expect(texts(draw(state).tree)).toContain('Pick a run')
    }
  })

  it('uses no effects the performance guidance warns about', () => {
    const json = JSON.stringify(draw({ ...card(snapshot({}, 'running')) }).tree)
    for (const forbidden of ['effect', 'blendMode', 'shadow', 'blur']) expect(json).not.toContain(forbidden)
  })
})
