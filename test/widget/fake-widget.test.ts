/**
 * The widget fake's own rules, each shown on a tiny widget that breaks it: what FigJam refuses,
 * the fake refuses, so the card's tests cannot pass on what would break in FigJam.
 */
import { describe, expect, it } from 'vitest'
import { FakeBoard, FakeClock, FakeFigJamClient, settle, texts, type WidgetCode } from './fake-widget.ts'

const manifest = { id: 'tiny-widget', name: 'Tiny', editorType: ['figjam'], permissions: ['currentuser'], documentAccess: 'dynamic-page' }

/** A widget whose card draws a Text; `body` runs while it renders, `click` when it is clicked. */
function tiny(body: string, options: { click?: string; prelude?: string } = {}) {
  const code = `
    const { widget } = figma
    ${options.prelude ?? ''}
    widget.register(function Tiny() {
      ${body}
      return widget.h(widget.Text, { name: 'text', onClick: () => { ${options.click ?? ''} } }, 'tiny')
    })`
  const widget: WidgetCode = { code, html: '', manifest }
  const board = new FakeBoard(manifest.id)
  const clock = new FakeClock(0)
  const person = new FakeFigJamClient(board, widget, { id: 'u-ana', name: 'Ana', sessionId: 7 }, { clock })
  return { board, person, clock, card: board.addCard({ state: { n: 1 } }) }
}

describe('the widget fake', () => {
  it('draws a card from its synced state', () => {
    const { person, card } = tiny("const [n] = widget.useSyncedState('n', 0); if (n !== 1) throw new Error('n is ' + n)")
    expect(texts(person.render(card).tree)).toEqual(['tiny'])
  })

  it.each([
    ['a hook setter', "const [n, setN] = widget.useSyncedState('n', 0); setN(n + 1)"],
    ['setWidgetSyncedState', "figma.currentPage.findWidgetNodesByWidgetId('tiny-widget')[0].setWidgetSyncedState({})"],
  ])('refuses %s while the card renders', (_, body) => {
    const { person, card } = tiny(body)
    expect(() => person.render(card)).toThrow(/while the widget renders|while the widget rendered/)
    expect(card.stored.state).toEqual({ n: 1 })
  })

  it.each([
    ['the page', 'figma.currentPage'],
    ['the current user', 'figma.currentUser'],
    ['a node', "figma.getNodeByIdAsync('1:1')"],
  ])('refuses %s while the card renders', (_, body) => {
    const { person, card } = tiny(body)
    expect(() => person.render(card)).toThrow(/was used while the widget rendered: only figma.widget may be/)
  })

  it('lets a lazy default use the plugin API, as useSyncedState’s typings allow', () => {
    const { person, board } = tiny(
      "const [who] = widget.useSyncedState('who', () => figma.currentUser.name); if (who !== 'Ana') throw new Error(who)",
    )
    expect(texts(person.render(board.addCard()).tree)).toEqual(['tiny'])
  })

  it('refuses hooks outside a render, and a widget that registers twice or never', () => {
    expect(() => tiny('', { prelude: "widget.useSyncedState('n', 0)" }).person.render(new FakeBoard('x').addCard())).toThrow(
      /useSyncedState may only be called while the widget renders/,
    )
    expect(() => tiny('', { prelude: 'widget.register(() => null)' }).person.render(new FakeBoard('x').addCard())).toThrow(
      /widget.register must be called once/,
    )
    const never: WidgetCode = { code: 'const x = 1', html: '', manifest }
    const board = new FakeBoard(manifest.id)
    expect(() =>
      new FakeFigJamClient(board, never, { id: 'u', name: 'U', sessionId: 1 }, { clock: new FakeClock(0) }).render(board.addCard()),
    ).toThrow(/did not call widget.register while it loaded/)
  })

  it('gives the code nothing of Node or a browser', () => {
    const { person, card } = tiny('', {
      click:
        "for (const name of ['fetch', 'WebSocket', 'window', 'process', 'require', 'structuredClone']) if (typeof globalThis[name] !== 'undefined') throw new Error(name)",
    })
    return expect(person.click(card, 'text')).resolves.toBeUndefined()
  })

  it('sets synced state from a click, and stops the code after a click that returns nothing', async () => {
    const { person, card } = tiny("const [n, setN] = widget.useSyncedState('n', 0); globalThis.bump = () => setN(n + 1)", {
      click: 'bump()',
    })
    await person.click(card, 'text')
    expect(card.stored.state).toEqual({ n: 2 })
    expect(person.run?.ended).toBe('done')
  })

  it('keeps the code while a click’s promise is pending; a killed run never runs again', async () => {
    const { person, card, clock } = tiny('', {
      click:
        "setTimeout(() => figma.currentPage.findWidgetNodesByWidgetId('tiny-widget')[0].setWidgetSyncedState({ late: true }), 5000); return new Promise(() => {})",
    })
    void person.click(card, 'text')
    await settle()
    expect(person.run?.ended).toBeNull()
    person.kill()
    await clock.advance(10_000)
    expect(card.stored.state).toEqual({ n: 1 })
    expect(person.run?.ended).toBe('killed')
  })

  it('clears a card’s synced maps when setWidgetSyncedState is given none (the stricter reading of the typings)', () => {
    const board = new FakeBoard(manifest.id)
    const card = board.addCard({ state: { n: 1 }, maps: { votes: { a: 1 } } })
    card.setWidgetSyncedState({ n: 2 })
    expect(card.stored).toEqual({ state: { n: 2 }, maps: {} })
    card.setWidgetSyncedState({ n: 3 }, { votes: { b: 2 } })
    expect(card.stored).toEqual({ state: { n: 3 }, maps: { votes: { b: 2 } } })
  })

  it('parents a clone under the page, keeping what it does not override', () => {
    const board = new FakeBoard(manifest.id)
    const section = board.addSection({ x: 1000, y: 500, width: 2000, height: 1000 })
    const card = board.addCard({ state: { n: 1, keep: 'yes' }, parent: section, x: 10, y: 20 })
    const clone = card.cloneWidget({ n: 2 })
    expect(clone.parent).toBe(board.page)
    expect(clone.stored.state).toEqual({ n: 2, keep: 'yes' })
    expect(clone.absoluteBoundingBox).toMatchObject({ x: 1010, y: 520 })
  })

  it('refuses synced values JSON cannot carry', () => {
    const board = new FakeBoard(manifest.id)
    expect(() => board.addCard({ state: { big: 10n } })).toThrow(/not JSON/)
  })
})
