/**
 * Keeping cards live, as the built widget does it on a board shared by two people (Ana and Ben),
 * each with their own FigJam client, under the strict fake. The test plays the hidden window's
 * side of the messages (the window itself runs in Chromium in test/e2e/widget-live.test.ts).
 *
 * The rules: a passing stream error never ends a session; what the throttle holds is written
 * before the window closes; the driver writes a heartbeat every HEARTBEAT_MS, and once it is older
 * than STALE_AFTER_MS any interaction clears the driver (FigJam may stop its code without a word);
 * anyone may stop, and the driver reads each card again before writing and stops when it is off.
 */
import { describe, expect, it } from 'vitest'
import { boardPicture } from '../../widget/src/card/board-picture.ts'
import { HEARTBEAT_MS, STALE_AFTER_MS } from '../../widget/src/card/card-state.ts'
import type { CardWindowProps } from '../../widget/src/messages.ts'
import { poll } from '../plugin/harness.ts'
import { builtWidget, FakeBoard, FakeClock, FakeFigJamClient, find, texts, type FakeWidgetNode, type WidgetRun } from './fake-widget.ts'
import { card, snapshot, versionOneCard, versionTwoCard } from './fixtures.ts'

const widget = builtWidget()
/** 10:00:10 UTC, when the fixture's picture was taken. */
const T0 = Date.parse('2025-01-03T10:00:10.000Z')
const ANA = { id: 'u-ana', name: 'Ana', sessionId: 7 }
const BEN = { id: 'u-ben', name: 'Ben', sessionId: 8 }

function twoPeople() {
  const clock = new FakeClock(T0)
  const board = new FakeBoard(widget.manifest.id)
  return {
    clock,
    board,
    ana: new FakeFigJamClient(board, widget, ANA, { clock }),
    ben: new FakeFigJamClient(board, widget, BEN, { clock }),
  }
}

/** What the card says about being live, as anyone on the board sees it. */
const liveText = (viewer: FakeFigJamClient, node: FakeWidgetNode) => texts(find(viewer.render(node).tree, 'live') ?? null)
const toggle = (viewer: FakeFigJamClient, node: FakeWidgetNode) => viewer.render(node).menu?.items[0]

/** The window the client's code opened. */
async function windowOf(client: FakeFigJamClient): Promise<WidgetRun> {
  return poll(() => (client.run?.host.ui ? client.run : undefined), 'the card’s window')
}

function windowProps(run: WidgetRun): CardWindowProps {
  const { html } = run.host.ui!
  const start = html.indexOf('const __SHOW_UI_DATA__=') + 'const __SHOW_UI_DATA__='.length
  return JSON.parse(html.slice(start, html.lastIndexOf(`;${widget.html}</script>`))) as CardWindowProps
}

/** The window sends a message; resolves once the widget's code has handled it. */
async function send(run: WidgetRun, name: string, ...args: unknown[]) {
  run.window.emit(name, ...args)
  await run.host.flush()
}

const errors = (client: FakeFigJamClient) => client.notifications.filter((n) => n.options.error).map((n) => n.message)

/** A running run's card, picked by Ana, that nobody keeps live. */
const runningCard = (runId = 'run-1') => ({ ...card(snapshot({ runId })) })

describe('Go live', () => {
  it('marks the cards, writes each picture through the throttle, and a heartbeat even when nothing changes', async () => {
    const { clock, board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const session = ana.menu(node, 'live')
    const window = await windowOf(ana)
    expect(windowProps(window).mode).toEqual({ kind: 'live', runIds: ['run-1'] })
    expect(window.host.ui!.visible).toBe(false)
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:10 UTC'])
    expect(toggle(ben, node)).toMatchObject({ tooltip: 'Stop live updates', isToggled: true })

    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2, syncedAt: T0 }))
    expect(texts(ben.render(node).tree)).toContain('2 of 2 steps')

    // Nothing changes for a while: the heartbeat still moves, and the running duration with it.
    await clock.advance(HEARTBEAT_MS)
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:20 UTC'])
    expect(texts(ben.render(node).tree)).toContain('19.0 s')
    await clock.advance(HEARTBEAT_MS)
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:30 UTC'])
    expect(node.stored.state).toMatchObject({ version: 3, snapshot: { startedBy: 'Ana' } })

    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2, syncedAt: clock.time, finishedAt: '2025-01-03T10:00:29.000Z' }, 'success'))
    await send(window, 'LIVE_FINISHED')
    await session
    expect(liveText(ben, node)).toEqual([])
    expect(texts(ben.render(node).tree)).toContain('Succeeded')
    expect(ana.run!.ended).toBe('closePlugin')
    expect(errors(ana)).toEqual([])
  })

  it('survives a passing stream error: the card says it is retrying until it clears, and pictures keep coming', async () => {
    const { board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    void ana.menu(node, 'live')
    const window = await windowOf(ana)
    await send(window, 'LIVE_PROBLEM', 'run-1', 'Failed to fetch')
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:10 UTC', 'Retrying: Failed to fetch'])
    expect(ana.run!.ended).toBeNull()
    expect(window.host.closed).toBe(false)

    await send(window, 'LIVE_PROBLEM', 'run-1', null)
    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2 }))
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:10 UTC'])
    expect(texts(ben.render(node).tree)).toContain('2 of 2 steps')
    expect(ana.run!.ended).toBeNull()
    expect(errors(ana)).toEqual([])
  })

  it.each([
    ['every run finished', ['LIVE_FINISHED']],
    ['the window cannot go on (signed out)', ['WINDOW_ERROR', 'Live updates stopped: signed out.']],
  ])('writes what the throttle holds before the window closes: %s', async (_, ending) => {
    const { clock, board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const session = ana.menu(node, 'live')
    const window = await windowOf(ana)
    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 1, lines: [{ seq: 1, level: 'info', text: 'first' }] }))
    await clock.advance(200)
    // Within the interval: held by the throttle.
    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2, lines: [{ seq: 2, level: 'info', text: 'last' }] }))
    expect(texts(find(ben.render(node).tree, 'log')!)).toEqual(['first'])
    await send(window, ...(ending as [string, ...unknown[]]))
    await session
    expect(texts(find(ben.render(node).tree, 'log')!)).toEqual(['last'])
    expect(liveText(ben, node)).toEqual([])
    expect(ana.run!.ended).toBe('closePlugin')
  })

  it('keeps a finished run’s card until its last lines have come, then ends by itself when no card needs it', async () => {
    const { board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const session = ana.menu(node, 'live')
    const window = await windowOf(ana)
    const finished = { finishedAt: '2025-01-03T10:00:09.000Z', lines: [{ seq: 7, level: 'info' as const, text: 'Run finished' }] }
    // The run's row says it finished; its last lines are still on their way.
    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2, ...finished, lines: [] }, 'success'), false)
    expect(texts(ben.render(node).tree)).toContain('Succeeded')
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:10 UTC'])
    await send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2, ...finished }, 'success'), true)
    await session
    expect(texts(find(ben.render(node).tree, 'log')!)).toEqual(['Run finished'])
    expect(liveText(ben, node)).toEqual([])
    expect(ana.run!.ended).toBe('closePlugin')
  })

  it('says so when there is nothing to keep live, and opens no window', async () => {
    const { board, ana } = twoPeople()
    const node = board.addCard({ state: { ...card(snapshot({}, 'success')) } })
    board.addCard({ state: { ...runningCard('run-2'), live: { driver: 'Ben', driverId: '8', heartbeat: T0, problem: null } } })
    await ana.menu(node, 'live')
    expect(ana.notifications.map((n) => n.message)).toEqual([
      'There is nothing to keep live: every run shown on this page has finished, or someone else keeps it live.',
    ])
    expect(ana.run!.host.ui).toBeNull()
    expect(ana.run!.ended).toBe('done')
  })

  it('takes every unfinished card nobody else keeps live, including one whose driver is gone', async () => {
    const { board, ana, ben } = twoPeople()
    const bens = board.addCard({ state: { ...runningCard('run-1'), live: { driver: 'Ben', driverId: '8', heartbeat: T0, problem: null } } })
    const mine = board.addCard({ state: runningCard('run-2') })
    const gone = board.addCard({
      state: { ...runningCard('run-3'), live: { driver: 'Cleo', driverId: '9', heartbeat: T0 - STALE_AFTER_MS - 1, problem: null } },
    })
    const finished = board.addCard({ state: { ...card(snapshot({ runId: 'run-4' }, 'success')) } })
    void ana.menu(mine, 'live')
    expect(windowProps(await windowOf(ana)).mode).toEqual({ kind: 'live', runIds: ['run-2', 'run-3'] })
    expect(liveText(ben, bens)).toEqual(['Live via Ben · last update 10:00:10 UTC'])
    expect(liveText(ben, gone)).toEqual(['Live via Ana · last update 10:00:10 UTC'])
    expect(liveText(ben, finished)).toEqual([])
  })
})

describe('a driver FigJam stopped without a word', () => {
  it('leaves its last heartbeat on the cards; after the limit, any interaction clears it', async () => {
    const { clock, board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    void ana.menu(node, 'live')
    await windowOf(ana)
    // Ana closes the file: her code is stopped, no `finally` runs.
    ana.kill()
    await clock.advance(STALE_AFTER_MS - 5_000)
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:10 UTC'])

    // Not yet stale: an interaction leaves the driver alone.
    void ben.click(node, 'button Open log')
    await windowOf(ben)
    expect(liveText(ben, node)).toEqual(['Live via Ana · last update 10:00:10 UTC'])
    ben.kill()

    await clock.advance(10_000)
    void ben.click(node, 'button Open log')
    await windowOf(ben)
    expect(liveText(ben, node)).toEqual([])
    expect(toggle(ben, node)).toMatchObject({ tooltip: 'Go live', isToggled: false })
  })

  it('the live toggle says the driver had stopped and offers Go live; anyone can take over', async () => {
    const { clock, board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const other = board.addCard({ state: runningCard('run-2') })
    void ana.menu(node, 'live')
    await windowOf(ana)
    ana.kill()
    await clock.advance(STALE_AFTER_MS + 1_000)

    await ben.menu(node, 'live')
    expect(ben.notifications.at(-1)!.message).toBe(
      'Live updates via Ana had stopped (last update 10:00:10 UTC). Choose Go live to keep the cards live.',
    )
    // Every card Ana drove, not just the one clicked.
    expect(liveText(ben, node)).toEqual([])
    expect(liveText(ben, other)).toEqual([])

    void ben.menu(node, 'live')
    expect(windowProps(await windowOf(ben)).mode).toEqual({ kind: 'live', runIds: ['run-1', 'run-2'] })
    expect(liveText(ana, node)).toEqual(['Live via Ben · last update 10:00:41 UTC'])
  })

  it('a person’s own driver is cleared at once when their code is no longer running it', async () => {
    const { board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const other = board.addCard({ state: runningCard('run-2') })
    void ana.menu(node, 'live')
    await windowOf(ana)
    // Using another card stops Ana's running code (one widget runs at a time); that card knows.
    void ana.click(other, 'button Open log')
    await windowOf(ana)
    expect(liveText(ben, node)).toEqual([])
    expect(liveText(ben, other)).toEqual([])
  })
})

describe('stopping live updates', () => {
  it.each([
    ['its next picture', async (window: WidgetRun) => send(window, 'LIVE_SNAPSHOT', snapshot({ done: 2 }))],
    ['its next heartbeat', async (_: WidgetRun, clock: FakeClock) => clock.advance(HEARTBEAT_MS)],
  ])('from another person’s client: the driver stops at %s, writing nothing', async (_, next) => {
    const { clock, board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const session = ana.menu(node, 'live')
    const window = await windowOf(ana)
    await ben.menu(node, 'live')
    expect(liveText(ana, node)).toEqual([])
    const stopped = node.stored.state

    await next(window, clock)
    await session
    expect(ana.run!.ended).toBe('closePlugin')
    expect(node.stored.state).toEqual(stopped)
    expect(toggle(ben, node)).toMatchObject({ tooltip: 'Go live', isToggled: false })
  })

  it('from the driver’s own card: the session ends at once', async () => {
    const { board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const session = ana.menu(node, 'live')
    await windowOf(ana)
    await ana.menu(node, 'live')
    await session
    expect(ana.run!.ended).toBe('closePlugin')
    expect(liveText(ben, node)).toEqual([])
  })

  it('picking another run on the card being driven ends the session cleanly, then picks', async () => {
    const { board, ana, ben } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    const session = ana.menu(node, 'live')
    const live = await windowOf(ana)
    void ana.menu(node, 'pick')
    await session
    expect(liveText(ben, node)).toEqual([])
    await poll(() => (ana.run!.host.ui?.visible ? true : undefined), 'the picker')
    expect(live.ended).toBeNull()
    expect(windowProps(ana.run!).mode).toEqual({ kind: 'picker' })
    await send(ana.run!, 'RUN_PICKED', snapshot({ runId: 'run-9', title: 'Another run' }))
    expect(texts(ben.render(node).tree)[0]).toBe('Another run')
    expect(liveText(ben, node)).toEqual([])
  })
})

describe('a card placed by the build before this one', () => {
  it('is written back in this build’s shape on its first interaction', async () => {
    const { board, ana } = twoPeople()
    const placed = versionOneCard(snapshot(), null)
    const node = board.addCard(placed)
    const before = JSON.stringify(ana.render(node).tree)
    void ana.click(node, 'button Open log')
    await windowOf(ana)
    // An earlier picture names no workspace: it keeps no details (board-picture.ts).
    const kept = boardPicture(snapshot({ workspaceId: null, boardDetails: false }))
    expect(node.stored).toEqual({ state: { version: 3, snapshot: kept, startedBy: null, live: null, button: null }, maps: {} })
    expect(JSON.stringify(ana.render(node).tree)).toBe(before)
  })

  it('kept live by a driver of that build: gone once its last picture is older than the limit', async () => {
    const { clock, board, ana, ben } = twoPeople()
    const node = board.addCard(versionOneCard(snapshot(), 'Ben'))
    expect(liveText(ana, node)).toEqual(['Live via Ben · last update 10:00:10 UTC'])
    await clock.advance(STALE_AFTER_MS + 1_000)
    await ana.menu(node, 'live')
    expect(ana.notifications.at(-1)!.message).toMatch(/^Live updates via Ben had stopped/)
    expect(node.stored.state).toMatchObject({ version: 3, live: null })
    expect(toggle(ben, node)).toMatchObject({ tooltip: 'Go live', isToggled: false })
  })
})

describe('a card placed before workspaces, with everything in its picture', () => {
  const detailed = snapshot({
    lines: [{ seq: 9, level: 'error', text: 'token ghp_secret rejected by api.internal' }],
    summary: 'Deployed web@4f2a to production',
    error: 'dispatch failed: 401 for ghp_secret',
    artifacts: [{ kind: 'link', title: 'Workflow run', url: 'https://ci.internal/runs/9' }],
    artifactCount: 1,
    steps: [
      { id: 'a', title: 'Deploy web@4f2a' },
      { id: 'b', title: 'Notify #ops-private' },
    ],
  })
  const leaked = ['ghp_secret', '4f2a', 'ci.internal', 'ops-private']

  it('is drawn without them before anyone touches it', () => {
    const { board, ben } = twoPeople()
    const node = board.addCard(versionTwoCard(detailed))
    const shown = texts(ben.render(node).tree).join('\n')
    for (const secret of leaked) expect(shown).not.toContain(secret)
    expect(shown).toContain('Deploy web to production')
    expect(shown).toContain('1 of 2 steps · b')
  })

  it('is scrubbed by its next write, of any kind: here a driver taking it live', async () => {
    const { board, ana } = twoPeople()
    const node = board.addCard(versionTwoCard(detailed))
    expect(JSON.stringify(node.stored.state)).toContain('ghp_secret')
    void ana.menu(node, 'live')
    await windowOf(ana)
    const stored = JSON.stringify(node.stored.state)
    for (const secret of leaked) expect(stored).not.toContain(secret)
    expect(node.stored.state).toMatchObject({
      version: 3,
      startedBy: null,
      snapshot: { workspaceId: null, boardDetails: false, startedBy: 'Ana' },
    })
  })

  it('keeps only what its workspace allows when the window sends a picture with more than that', async () => {
    const { clock, board, ana } = twoPeople()
    const node = board.addCard({ state: runningCard() })
    void ana.menu(node, 'live')
    const window = await windowOf(ana)
    // A window of another build may send everything; the widget's code passes it through the rule too.
    await send(window, 'LIVE_SNAPSHOT', { ...detailed, boardDetails: false }, false)
    const stored = JSON.stringify(node.stored.state)
    for (const secret of leaked) expect(stored).not.toContain(secret)
    // A workspace that shows details: they are kept (the next write, after the throttle's second).
    await send(window, 'LIVE_SNAPSHOT', detailed, false)
    await clock.advance(1_000)
    expect(JSON.stringify(node.stored.state)).toContain('ghp_secret')
  })
})

describe('Run again', () => {
  it('places the new run’s card beside the original, in the original’s section', async () => {
    const { board, ana, ben } = twoPeople()
    const section = board.addSection({ x: 1000, y: 500, width: 2400, height: 1200 })
    const node = board.addCard({ state: { ...card(snapshot({ startedBy: 'Ben' }, 'success')) }, parent: section, x: 100, y: 50 })
    const done = ana.click(node, 'button Run again')
    const window = await windowOf(ana)
    expect(windowProps(window).mode).toEqual({ kind: 'action', action: 'rerun', runId: 'run-1' })
    await send(window, 'ACTION_DONE', { started: snapshot({ runId: 'run-2' }, 'queued') })
    await done
    const clone = board.cards().find((other) => other !== node)!
    expect(clone.parent).toBe(section)
    expect(clone.absoluteBoundingBox).toMatchObject({ x: 1000 + 100 + 360 + 40, y: 500 + 50 })
    expect(clone.stored.state).toEqual({
      version: 3,
      snapshot: snapshot({ runId: 'run-2' }, 'queued'),
      startedBy: null,
      live: null,
      button: null,
    })
    expect(texts(ben.render(clone).tree)).toContain('Queued')
    expect(errors(ana)).toEqual([])
  })
})

describe('a runbook button', () => {
  const button = {
    workspaceId: 'workspace-1',
    templateSlug: 'deploy-web',
    title: 'Deploy web',
    kind: 'deploy',
    revisionId: 'revision-3',
    revision: 3,
    env: 'production',
    inputs: { env: 'production', ref: 'main' },
    secretKeys: [],
    placedBy: 'Ana',
    newerRevision: null,
  }

  it('is kept live with its last run: its status moves, and it stays a button', async () => {
    const { board, ana, ben } = twoPeople()
    const node = board.addCard({ state: { ...card(snapshot({ runId: 'run-7' }, 'queued')), button } })
    const session = ana.menu(node, 'live')
    const window = await windowOf(ana)
    expect(windowProps(window).mode).toEqual({ kind: 'live', runIds: ['run-7'] })
    expect(texts(find(ben.render(node).tree, 'live')!)).toEqual(['Live via Ana · last update 10:00:10 UTC'])
    await send(window, 'LIVE_SNAPSHOT', snapshot({ runId: 'run-7', done: 2, finishedAt: '2025-01-03T10:00:09.000Z' }, 'success'), true)
    await send(window, 'LIVE_FINISHED')
    await session
    const drawn = ben.render(node).tree
    expect(texts(find(drawn, 'label')!)).toEqual(['Deploy web → production, ref main'])
    expect(texts(find(drawn, 'last run')!)[0]).toBe('Succeeded')
    expect(node.stored.state).toMatchObject({ button, live: null })
    expect(errors(ana)).toEqual([])
  })
})
