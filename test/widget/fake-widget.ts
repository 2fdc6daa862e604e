/**
 * A FigJam board, its people's clients and the widget's built code, as strict as FigJam where its
 * rules are written down (@figma/widget-typings, @figma/plugin-typings, the widget docs), so that
 * code which passes here does not break there.
 *
 * - The built bundle (widget/build/main.js) runs as FigJam runs it: a script in a realm of its own
 *   with the host's globals only (test/support/host-realm.ts); it must call widget.register while
 *   it loads, once.
 * - Rendering is pure: while a card renders, hooks may be called, but setting synced state (hook
 *   setters, setWidgetSyncedState, synced maps), cloning, and every other part of the plugin API
 *   throw ("Updating state values is not allowed when rendering the widget", useSyncedState; "widget
 *   rendering code won't be able to read and access data outside of the particular widget's state",
 *   How Widgets Run). Hooks called outside a render throw too.
 * - Code runs only on interaction, on the client that interacted: a click or a property menu
 *   choice starts a run of the code for that card (or goes to the run already on it); "we run the
 *   function passed to the onClick prop and terminate the widget thereafter", unless it returns a
 *   promise, which keeps the code until it settles (Handling User Events; waitForTask likewise).
 *   Interacting with another card stops the running code ("a user explicitly interacts with another
 *   widget in the file" terminates it, Working with Widgets: the fake counts another card of the
 *   same widget as another widget, which the docs do not settle). `kill()` stops it as FigJam does
 *   when the file is closed. A stopped run never runs again: its timers are cancelled (closePlugin:
 *   "any setTimeout or setInterval timers will be cancelled"), its window is gone, and any use of
 *   `figma` throws ("Calling figma.closePlugin() disables callbacks and Figma APIs"). No `finally`
 *   of the stopped code runs.
 * - setWidgetSyncedState "sets the entire synced state and synced map values" after clearing the
 *   state. Whether a call without maps also clears the maps is not said: the fake clears them, the
 *   stricter reading. cloneWidget keeps what it does not override and parents the copy under the page.
 * - Synced values must be JSON: what JSON cannot carry throws; the rest is stored as its JSON round trip.
 * - Not modelled (the card does not use them): useEffect (throws), stickables, the widget's own
 *   layout (a card's size is set by the test), and the rule that only widgets of the same manifest
 *   id may read or set each other's synced state (every widget here is the card).
 *
 * The rest of `figma` (clientStorage, currentUser, notify, showUI, figma.ui) is the plugin fake
 * (local/preview/fake-figma.ts), one per run of the code, with the person's clientStorage kept
 * across runs.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  createFakeFigma,
  memoryStorageBackend,
  type ClientStorageBackend,
  type FakeFigmaHost,
  type FakeFigmaOptions,
  type FakeManifest,
  type Notification,
} from '../../local/preview/fake-figma.ts'
import { HOST_TIMERS, runInHostRealm } from '../support/host-realm.ts'
import { uiSide, type UiSide } from '../plugin/harness.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

// ---- the tree widget JSX builds ------------------------------------------------------------------

export interface Element {
  type: string
  props: Record<string, unknown>
  children: (Element | string)[]
}

type Component = (props: Record<string, unknown>) => Element | null

const INTRINSICS = ['AutoLayout', 'Frame', 'Text', 'Span', 'Rectangle', 'Ellipse', 'Line', 'SVG', 'Image', 'Input', 'Fragment']

const intrinsic =
  (type: string): Component =>
  (props) => {
    const { children, ...rest } = props
    const kids = ([] as unknown[])
      .concat(children ?? [])
      .flat(Infinity)
      .filter((child) => child !== null && child !== undefined && child !== false)
      .map((child) => (typeof child === 'object' ? child : String(child as string | number)))
    return { type, props: rest, children: kids as (Element | string)[] }
  }

/** Every text drawn, in order. */
export function texts(element: Element | null): string[] {
  if (!element) return []
  if (element.type === 'Text') {
    // Strings and numbers, and Spans whose text reads inline.
    return [element.children.map((child) => (typeof child === 'object' ? texts(child).join('') : child)).join('')]
  }
  return element.children.flatMap((child) => (typeof child === 'string' ? [child] : texts(child)))
}

export function find(element: Element | null, name: string): Element | undefined {
  if (!element) return undefined
  if (element.props.name === name) return element
  for (const child of element.children) {
    if (typeof child === 'string') continue
    const found = find(child, name)
    if (found) return found
  }
  return undefined
}

// ---- the clock ----------------------------------------------------------------------------------

interface ClockTimer {
  at: number
  every: number | null
  run: () => void
}

/** Time as the widget's code sees it: Figma's main thread has setTimeout/setInterval, and `Date`. */
export interface HostClock {
  readonly Date: DateConstructor
  setTimeout(callback: () => void, ms?: number): number
  setInterval(callback: () => void, ms?: number): number
  clear(id: number | undefined): void
}

/** The real clock, for tests against real services: the host's timers (their handles as numbers). */
const REAL_CLOCK: HostClock = {
  Date,
  setTimeout: (callback, ms) => Number(HOST_TIMERS.setTimeout(callback, ms)),
  setInterval: (callback, ms) => Number(HOST_TIMERS.setInterval(callback, ms)),
  clear: (id) => HOST_TIMERS.clearTimeout(id),
}

/**
 * Time for the widget's code, moved on by the test. Each person's client has its own clock;
 * here the people of a board share one.
 */
export class FakeClock implements HostClock {
  private readonly timers = new Map<number, ClockTimer>()
  private ids = 0
  /** A `Date` whose now() and `new Date()` read this clock. */
  readonly Date: DateConstructor

  constructor(public time: number) {
    const now = () => this.time
    class ClockDate extends Date {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(now())
        else super(...(args as [string]))
      }
      static override now() {
        return now()
      }
    }
    this.Date = ClockDate as unknown as DateConstructor
  }

  now(): number {
    return this.time
  }

  setTimeout(callback: () => void, ms = 0): number {
    const id = ++this.ids
    this.timers.set(id, { at: this.time + Math.max(0, ms), every: null, run: callback })
    return id
  }

  setInterval(callback: () => void, ms = 0): number {
    const id = ++this.ids
    this.timers.set(id, { at: this.time + Math.max(1, ms), every: Math.max(1, ms), run: callback })
    return id
  }

  clear(id: number | undefined): void {
    if (id !== undefined) this.timers.delete(id)
  }

  /** Moves time on, running every timer that falls due, in order, and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms
    for (;;) {
      let next: [number, ClockTimer] | undefined
      for (const entry of this.timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry
      if (!next) break
      const [id, timer] = next
      this.time = timer.at
      if (timer.every === null) this.timers.delete(id)
      else timer.at += timer.every
      timer.run()
      await settle()
    }
    this.time = until
    await settle()
  }
}

/** Lets pending promise callbacks and the fake host's message deliveries run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

// ---- the board's nodes --------------------------------------------------------------------------

/** Synced values travel as JSON: what JSON cannot carry is refused, the rest is its round trip. */
function asJson<T>(value: T, what: string): T {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (error) {
    throw new Error(`${what}: the value is not JSON (${String(error)})`)
  }
  if (text === undefined) throw new Error(`${what}: the value is not JSON (${typeof value})`)
  return JSON.parse(text) as T
}

type Maps = Record<string, Record<string, unknown>>

abstract class FakeNode {
  readonly id: string
  abstract readonly type: string
  name = ''
  parent: FakeContainerNode | null = null
  x = 0
  y = 0
  width = 0
  height = 0
  removed = false

  constructor(readonly board: FakeBoard) {
    this.id = board.newId()
  }

  /** Where the node is on the page (x and y are relative to the parent). */
  get absoluteBoundingBox(): { x: number; y: number; width: number; height: number } {
    const origin = this.parent instanceof FakeSectionNode ? this.parent.absoluteBoundingBox : { x: 0, y: 0 }
    return { x: origin.x + this.x, y: origin.y + this.y, width: this.width, height: this.height }
  }

  remove(): void {
    this.board.assertNotRendering('remove')
    this.parent?.detach(this)
    this.removed = true
  }
}

abstract class FakeContainerNode extends FakeNode {
  readonly children: FakeNode[] = []

  appendChild(child: FakeNode): void {
    this.board.assertNotRendering('appendChild')
    if (!(child instanceof FakeNode) || child.board !== this.board || child.removed) throw new Error('appendChild: not a node of this file')
    if (child instanceof FakePageNode) throw new Error('appendChild: a page cannot be a child')
    if (child === this || (child instanceof FakeContainerNode && child.contains(this))) {
      throw new Error('appendChild: a node cannot be moved inside itself')
    }
    child.parent?.detach(child)
    this.children.push(child)
    child.parent = this
  }

  contains(node: FakeNode): boolean {
    return this.children.some((child) => child === node || (child instanceof FakeContainerNode && child.contains(node)))
  }

  detach(child: FakeNode): void {
    const index = this.children.indexOf(child)
    if (index >= 0) this.children.splice(index, 1)
    child.parent = null
  }

  findWidgetNodesByWidgetId(widgetId: string): FakeWidgetNode[] {
    return this.children.flatMap((child) => [
      ...(child instanceof FakeWidgetNode && child.widgetId === widgetId ? [child] : []),
      ...(child instanceof FakeContainerNode ? child.findWidgetNodesByWidgetId(widgetId) : []),
    ])
  }
}

export class FakePageNode extends FakeContainerNode {
  readonly type = 'PAGE'
}

export class FakeSectionNode extends FakeContainerNode {
  readonly type = 'SECTION'
}

export class FakeWidgetNode extends FakeNode {
  readonly type = 'WIDGET'
  private state: Record<string, unknown> = {}
  private maps: Maps = {}
  /** Not a Figma API: how many times its synced state was written. */
  writes = 0

  constructor(
    board: FakeBoard,
    readonly widgetId: string,
  ) {
    super(board)
    // Not laid out: a card's size, as the card draws itself.
    this.width = 360
    this.height = 420
  }

  get widgetSyncedState(): Record<string, unknown> {
    return asJson(this.state, 'widgetSyncedState')
  }

  setWidgetSyncedState(state: Record<string, unknown>, maps?: Maps): void {
    this.board.assertNotRendering('setWidgetSyncedState')
    if (typeof state !== 'object' || state === null || Array.isArray(state))
      throw new Error('setWidgetSyncedState: the state must be an object')
    // Sets the entire state and maps; maps left out are cleared (the stricter reading: see the top).
    this.state = asJson(state, 'setWidgetSyncedState')
    this.maps = asJson(maps ?? {}, 'setWidgetSyncedState')
    this.writes++
  }

  cloneWidget(stateOverrides: Record<string, unknown>, mapOverrides: Maps = {}): FakeWidgetNode {
    this.board.assertNotRendering('cloneWidget')
    const clone = new FakeWidgetNode(this.board, this.widgetId)
    clone.state = { ...this.state, ...asJson(stateOverrides, 'cloneWidget') }
    clone.maps = { ...this.maps, ...asJson(mapOverrides, 'cloneWidget') }
    // "The duplicate will be parented under figma.currentPage", where the original is on the page.
    const { x, y } = this.absoluteBoundingBox
    Object.assign(clone, { x, y, width: this.width, height: this.height })
    this.board.page.appendChild(clone)
    return clone
  }

  clone(): FakeWidgetNode {
    return this.cloneWidget({})
  }

  /** Not a Figma API: the state and maps as stored, for tests. */
  get stored(): { state: Record<string, unknown>; maps: Maps } {
    return asJson({ state: this.state, maps: this.maps }, 'stored')
  }

  /** Not a Figma API: a key of synced state written as a hook setter writes it. */
  writeKey(key: string, value: unknown): void {
    this.board.assertNotRendering('setting synced state')
    if (value === undefined) delete this.state[key]
    else this.state[key] = asJson(value, `synced state "${key}"`)
    this.writes++
  }

  /** Not a Figma API: a synced map, as useSyncedMap hands it to the code. */
  syncedMap(name: string): Map<string, unknown> {
    const board = this.board
    const entries = (this.maps[name] ??= {})
    return new (class extends Map<string, unknown> {
      constructor() {
        super(Object.entries(entries))
      }
      override set(key: string, value: unknown) {
        board.assertNotRendering('synced map set')
        entries[key] = asJson(value, `synced map "${name}"`)
        return super.set(key, entries[key])
      }
      override delete(key: string) {
        board.assertNotRendering('synced map delete')
        delete entries[key]
        return super.delete(key)
      }
    })()
  }
}

/** What drawing a card gave: its tree and its property menu. */
export interface Rendered {
  tree: Element | null
  menu: { items: Record<string, unknown>[]; onChange: (event: { propertyName: string; propertyValue?: string }) => unknown } | null
}

/** One FigJam file, seen by every person's client alike (multiplayer). */
export class FakeBoard {
  readonly page: FakePageNode
  /** The card being drawn, on whichever client: while set, nothing may change state. */
  rendering: FakeWidgetNode | null = null
  private ids = 0

  constructor(readonly widgetId: string) {
    this.page = new FakePageNode(this)
  }

  newId(): string {
    return `${++this.ids}:1`
  }

  assertNotRendering(what: string): void {
    if (this.rendering) {
      throw new Error(
        `${what} while the widget renders: rendering must be a pure function of synced state (FigJam forbids updating state during render)`,
      )
    }
  }

  node(id: string): FakeNode | null {
    const search = (nodes: FakeNode[]): FakeNode | null => {
      for (const node of nodes) {
        if (node.id === id) return node
        const inner = node instanceof FakeContainerNode ? search(node.children) : null
        if (inner) return inner
      }
      return null
    }
    return search([this.page])
  }

  /** A card placed on the page or in a section, with synced state as some build wrote it. */
  addCard(
    options: { state?: Record<string, unknown>; maps?: Maps; parent?: FakeContainerNode; x?: number; y?: number } = {},
  ): FakeWidgetNode {
    const card = new FakeWidgetNode(this, this.widgetId)
    ;(options.parent ?? this.page).appendChild(card)
    card.x = options.x ?? 0
    card.y = options.y ?? 0
    card.setWidgetSyncedState(options.state ?? {}, options.maps ?? {})
    return card
  }

  addSection(box: { x: number; y: number; width: number; height: number }): FakeSectionNode {
    const section = new FakeSectionNode(this)
    this.page.appendChild(section)
    Object.assign(section, box)
    return section
  }

  cards(): FakeWidgetNode[] {
    return this.page.findWidgetNodesByWidgetId(this.widgetId)
  }
}

// ---- people's clients and runs of the widget's code ---------------------------------------------

export interface FakeUser {
  id: string
  name: string
  sessionId: number
}

export interface WidgetCode {
  /** The built main.js, run as a script. */
  code: string
  /** The widget's window bundle (__html__). */
  html: string
  manifest: FakeManifest & { id: string }
}

/** The widget as `npm run build` built it: widget/build/main.js with its manifest. */
export function builtWidget(): WidgetCode {
  const manifest = JSON.parse(readFileSync(`${root}widget/manifest.json`, 'utf8')) as FakeManifest & { id: string }
  return { code: readFileSync(`${root}widget/build/main.js`, 'utf8'), html: 'window()', manifest }
}

/** One run of the widget's code on one client: a fresh realm, as each run in FigJam is. */
export class WidgetRun {
  readonly host: FakeFigmaHost
  /** The window's side of the messages, played by the test. */
  readonly window: UiSide
  private component: (() => Element | null) | null = null
  private loading = true
  private tasks = 0
  private readonly timers = new Set<number>()
  private frame: { node: FakeWidgetNode; menu: Rendered['menu'] } | null = null
  ended: string | null = null

  constructor(
    private readonly client: FakeFigJamClient,
    /** The card this run is for (null: a run that only draws cards). */
    readonly node: FakeWidgetNode | null,
  ) {
    const { board, widget } = client
    const listeners = new Set<(message: unknown) => void>()
    this.host = createFakeFigma({
      manifest: widget.manifest,
      editorType: 'figjam',
      currentUser: { ...client.user, photoUrl: null },
      storage: client.storage,
      onError: () => {},
      onNotify: (notification) => client.notifications.push(notification),
      onShowUI: client.relay.onShowUI,
      onUiMessage: (message) => {
        client.relay.onUiMessage?.(message)
        for (const listener of [...listeners]) listener(message)
      },
      onClose: () => this.end('closePlugin'),
    })
    this.window = uiSide(this.host, listeners)
    const figma = new Proxy(this.host.figma as Record<string, unknown>, {
      get: (target, property) => {
        this.assertRunning(`figma.${String(property)}`)
        if (property === 'widget') return this.widgetApi
        if (board.rendering) {
          throw new Error(`figma.${String(property)} was used while the widget rendered: only figma.widget may be (How Widgets Run)`)
        }
        if (property === 'widgetId') return widget.manifest.id
        if (property === 'currentPage') return board.page
        if (property === 'getNodeByIdAsync') return (id: string) => Promise.resolve(board.node(id))
        return Reflect.get(target, property, target)
      },
      set: (target, property, value) => {
        this.assertRunning(`figma.${String(property)}`)
        return Reflect.set(target, property, value, target)
      },
    })
    const clock = client.clock
    const track = (id: number) => (this.timers.add(id), id)
    const { error } = runInHostRealm(widget.code, {
      figma,
      __html__: widget.html,
      console,
      Date: clock.Date,
      setTimeout: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const id: number = track(
          clock.setTimeout(() => {
            this.timers.delete(id)
            callback(...args)
          }, ms),
        )
        return id
      },
      clearTimeout: (id: number) => (clock.clear(id), this.timers.delete(id)),
      setInterval: (callback: () => void, ms?: number) => track(clock.setInterval(callback, ms)),
      clearInterval: (id: number) => (clock.clear(id), this.timers.delete(id)),
    })
    this.loading = false
    if (error) throw error as Error
    if (!this.component) throw new Error('the widget’s code did not call widget.register while it loaded')
  }

  private assertRunning(what: string): void {
    if (this.ended) throw new Error(`${what}: the widget’s code was stopped (${this.ended}), and Figma disables its API then`)
  }

  private hook(name: string): { node: FakeWidgetNode; menu: Rendered['menu'] } {
    if (!this.frame || !this.client.board.rendering) throw new Error(`${name} may only be called while the widget renders`)
    return this.frame
  }

  private readonly widgetApi = {
    register: (component: () => Element | null) => {
      if (!this.loading) throw new Error('widget.register must be called when manifest.main runs, not later')
      if (this.component) throw new Error('widget.register must be called once')
      this.component = component
    },
    h: (type: unknown, props: Record<string, unknown> | null, ...children: unknown[]) => {
      if (typeof type !== 'function') throw new Error(`widget JSX: ${String(type)} is not a widget component`)
      return (type as Component)({ ...(props ?? {}), children })
    },
    ...Object.fromEntries(INTRINSICS.map((type) => [type, intrinsic(type)])),
    useSyncedState: (key: string, initial: unknown) => {
      const { node } = this.hook('useSyncedState')
      const state = node.widgetSyncedState
      let value = state[key]
      if (!(key in state)) value = typeof initial === 'function' ? this.outsideRender(() => (initial as () => unknown)()) : initial
      const current = value
      const set = (next: unknown) => {
        this.assertRunning('a synced state setter')
        node.writeKey(key, typeof next === 'function' ? (next as (value: unknown) => unknown)(current) : next)
      }
      return [value, set]
    },
    useSyncedMap: (name: string) => this.hook('useSyncedMap').node.syncedMap(name),
    usePropertyMenu: (items: Record<string, unknown>[], onChange: NonNullable<Rendered['menu']>['onChange']) => {
      this.hook('usePropertyMenu').menu = { items, onChange }
    },
    useWidgetNodeId: () => this.hook('useWidgetNodeId').node.id,
    useWidgetId: () => this.hook('useWidgetId').node.id,
    useEffect: () => {
      throw new Error('useEffect is not modelled by this fake')
    },
    waitForTask: (task: Promise<unknown>) => {
      this.assertRunning('waitForTask')
      this.client.board.assertNotRendering('waitForTask')
      void this.keepAliveUntil(task).catch(() => undefined)
    },
  }

  /** A lazy default may use the plugin API (useSyncedState's typings say so). */
  private outsideRender<T>(compute: () => T): T {
    const { board } = this.client
    const drawing = board.rendering
    board.rendering = null
    try {
      return compute()
    } finally {
      board.rendering = drawing
    }
  }

  render(node: FakeWidgetNode): Rendered {
    this.assertRunning('rendering')
    const { board } = this.client
    this.frame = { node, menu: null }
    board.rendering = node
    try {
      const tree = this.component!()
      return { tree, menu: this.frame.menu }
    } finally {
      board.rendering = null
      this.frame = null
    }
  }

  /** Runs an event handler: the code ends after it, or after the promise it returns settles. */
  handle(handler: () => unknown): Promise<void> {
    let returned: unknown
    // A handler that throws rejects the call.
    const call = new Promise<unknown>((resolve) => {
      returned = handler()
      resolve(returned)
    })
    if (typeof (returned as { then?: unknown } | undefined)?.then === 'function') return this.keepAliveUntil(call)
    // Another handler's promise may still keep the code.
    if (this.tasks === 0) this.end('done')
    return call.then(() => undefined)
  }

  private keepAliveUntil(task: Promise<unknown>): Promise<void> {
    this.tasks++
    return Promise.resolve(task)
      .then(() => undefined)
      .finally(() => {
        this.tasks--
        if (this.tasks === 0) this.end('done')
      })
  }

  /** The code stops: timers cancelled, the window gone, the API disabled. */
  end(reason: string): void {
    if (this.ended) return
    this.ended = reason
    for (const id of this.timers) this.client.clock.clear(id)
    this.timers.clear()
    if (!this.host.closed) this.host.close()
  }
}

export interface ClientOptions {
  /** The person's clock (default: the real one). */
  clock?: HostClock
  /** The person's clientStorage for this widget, kept across runs. */
  storage?: ClientStorageBackend
  /** Where the window goes: a page in Chromium that shows it and relays its messages. */
  relay?: Pick<FakeFigmaOptions, 'onShowUI' | 'onUiMessage'>
}

/** One person's FigJam: draws cards with the widget's code and runs it when they interact. */
export class FakeFigJamClient {
  readonly clock: HostClock
  readonly storage: ClientStorageBackend
  readonly relay: NonNullable<ClientOptions['relay']>
  readonly notifications: Notification[] = []
  /** The current (or last) run of the widget's code on this client. */
  run: WidgetRun | null = null
  private viewer: WidgetRun | null = null

  constructor(
    readonly board: FakeBoard,
    readonly widget: WidgetCode,
    readonly user: FakeUser,
    options: ClientOptions = {},
  ) {
    this.clock = options.clock ?? REAL_CLOCK
    this.storage = options.storage ?? memoryStorageBackend()
    this.relay = options.relay ?? {}
  }

  /** Draws a card as FigJam does after its state changed: from synced state, with the plugin API off. */
  render(node: FakeWidgetNode): Rendered {
    this.viewer ??= new WidgetRun(this, null)
    return this.viewer.render(node)
  }

  /** Chooses an item of the card's property menu (a toggle or an action). */
  menu(node: FakeWidgetNode, propertyName: string): Promise<void> {
    const run = this.runFor(node)
    const { menu } = run.render(node)
    if (!menu?.items.some((item) => item.propertyName === propertyName)) {
      throw new Error(`the card’s property menu has no "${propertyName}" (it has ${menu?.items.map((i) => i.propertyName).join(', ')})`)
    }
    return run.handle(() => menu.onChange({ propertyName }))
  }

  /** Clicks the element of the card named `name` (a button is named "button <label>"). */
  click(node: FakeWidgetNode, name: string): Promise<void> {
    const run = this.runFor(node)
    const target = find(run.render(node).tree, name)
    const onClick = target?.props.onClick
    if (typeof onClick !== 'function') throw new Error(`the card has nothing named "${name}" to click`)
    return run.handle(() => (onClick as (event: unknown) => unknown)({ x: 0, y: 0 }))
  }

  /** FigJam stops the running code without a word: the file was closed, or its person left. */
  kill(): void {
    this.run?.end('killed')
  }

  private runFor(node: FakeWidgetNode): WidgetRun {
    if (this.run && !this.run.ended && this.run.node === node) return this.run
    this.run?.end('another widget was used')
    this.run = new WidgetRun(this, node)
    return this.run
  }
}
