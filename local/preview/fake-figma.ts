/**
 * A fake `figma` global for running the plugin's main thread outside Figma: in the browser
 * preview (local/preview/host.ts) and in tests. It keeps the documented rules of the plugin API
 * (@figma/plugin-typings, cited where enforced) as strictly as it can, so code that passes here
 * does not fail in Figma for a reason the fake could have known:
 * - messages between main thread and UI are copied as Figma copies them: plain data only
 *   (plain-data.ts), delivered asynchronously, and only while a UI is open;
 * - figma.ui throws without a UI (postMessage, resize, reposition, getPosition, show, hide), and
 *   resize keeps the documented minimum of 70 × 0;
 * - figma.on accepts the event names the API has; "documentchange" needs loadAllPagesAsync under
 *   dynamic-page access;
 * - dynamic-page access: getNodeById throws, figma.currentPage is read-only, other pages load
 *   with loadAsync / loadAllPagesAsync / setCurrentPageAsync (fake-nodes.ts);
 * - clientStorage (fake-client-storage.ts), currentUser (needs the currentuser permission),
 *   notify, showUI, editorType, command, the viewport, frames/text/rectangles with validated
 *   properties, loadFontAsync, setRelaunchData, setPluginData (100 kB);
 * - what the API throws is an Error of the plugin's realm (realm-errors.ts), as Figma's errors are.
 * Where Figma's behaviour is not documented, the fake picks the strict option and says so.
 *
 * Messages go through the host: `sendToMain` delivers what the UI posted
 * (parent.postMessage({pluginMessage}, '*')) to figma.ui.onmessage asynchronously, as Figma does;
 * figma.ui.postMessage hands a copy to `onUiMessage` and records it.
 */
import {
  FakeDocument,
  FakeFrameNode,
  FakePageNode,
  FakeRectangleNode,
  FakeSectionNode,
  FakeStickyNode,
  FakeTextNode,
  isScene,
  type FakeDocumentChange,
  type FakeBaseNode,
  type FontNameLike,
  type Paint,
} from './fake-nodes.ts'
import { CLIENT_STORAGE_QUOTA_BYTES, createClientStorage, memoryStorageBackend, type ClientStorageBackend } from './fake-client-storage.ts'
import { copyPlainData } from './plain-data.ts'
import { guardErrors, realmErrorConverter } from './realm-errors.ts'

export { FakeDocument } from './fake-nodes.ts'
export type { FakeBaseNode, FakeFrameNode, FakePageNode, FakeSectionNode, FakeStickyNode, FakeTextNode } from './fake-nodes.ts'
export { memoryStorageBackend, type ClientStorageBackend } from './fake-client-storage.ts'

interface FakeUser {
  id: string | null
  name: string
  photoUrl: string | null
  color?: string
  sessionId?: number
}

/** The parts of manifest.json the fake enforces. */
export interface FakeManifest {
  name?: string
  id?: string
  editorType?: string[]
  permissions?: string[]
  documentAccess?: string
  relaunchButtons?: { command: string; name: string; multipleSelection?: boolean }[]
}

interface ShowUIOptionsLike {
  visible?: boolean
  title?: string
  width?: number
  height?: number
  position?: { x: number; y: number }
  themeColors?: boolean
}

export interface Notification {
  message: string
  options: { timeout?: number; error?: boolean; button?: { text: string } }
}

export interface FakeFigmaOptions {
  editorType?: 'figma' | 'figjam'
  /** figma.command: '' for a normal run, a relaunch command for a relaunch. */
  command?: string
  manifest?: FakeManifest
  /** Null: the user is not signed in (or in a widget). */
  currentUser?: FakeUser | null
  /** The canvas; pass the same document to several runs so cards survive them. */
  document?: FakeDocument
  storage?: ClientStorageBackend
  storageQuotaBytes?: number
  /** Fonts loadFontAsync can load (default: Inter and Roboto in the usual styles). */
  fonts?: FontNameLike[]
  viewportCenter?: { x: number; y: number }
  onShowUI?: (html: string, options: ShowUIOptionsLike) => void
  /** The plugin closed its UI (figma.ui.close, or showUI replacing it, or the plugin closing). */
  onUiClose?: () => void
  onUiMessage?: (message: unknown) => void
  onResize?: (width: number, height: number) => void
  onNotify?: (notification: Notification) => void
  onClose?: (message: string | undefined) => void
  /** A main-thread handler threw; default: console.error. */
  onError?: (error: unknown) => void
  /**
   * The Error of the realm the plugin's code runs in, when it is not the host's (a vm context, an
   * iframe): the API's errors are made of it, as Figma makes them in the plugin's sandbox.
   */
  realmError?: ErrorConstructor
}

export interface FakeFigmaHost {
  /** The `figma` object; `install()` puts it (and __html__) on globalThis. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- it stands in for Figma's global, which the plugin's bundle and the tests use as Figma's whole API
  readonly figma: any
  readonly document: FakeDocument
  /** Messages the main thread posted to the UI, in order (copies, as the UI receives them). */
  readonly uiMessages: unknown[]
  readonly notifications: Notification[]
  /** What main-thread message handlers threw. */
  readonly errors: unknown[]
  /** The UI, once showUI was called (null again once it is closed). */
  readonly ui: { html: string; options: ShowUIOptionsLike; width: number; height: number; visible: boolean } | null
  readonly closed: boolean
  /**
   * Delivers a message from the UI, as `parent.postMessage({pluginMessage}, '*')` would. Throws
   * when no UI is open or the message is not plain data; after the plugin closed, it is dropped.
   */
  sendToMain(pluginMessage: unknown): void
  /** Resolves when every message sent so far was delivered. */
  flush(): Promise<void>
  /** Sets globalThis.figma (and __html__ when given); returns a function that restores them. */
  install(html?: string): () => void
  /** Not a Figma API: closes the plugin as the user would (fires 'close'). */
  close(): void
}

const DEFAULT_FONTS: FontNameLike[] = ['Regular', 'Medium', 'Semi Bold', 'Bold'].flatMap((style) => [
  { family: 'Inter', style },
  { family: 'Roboto', style },
])

const DEFAULT_MANIFEST: FakeManifest = {
  name: 'Fake plugin',
  id: 'fake-plugin',
  editorType: ['figma', 'figjam'],
  permissions: [],
  documentAccess: 'dynamic-page',
  relaunchButtons: [],
}

/** PluginAPI.on: ArgFreeEventType and the events with arguments, as the typings declare them. */
const EVENT_TYPES = [
  'selectionchange',
  'currentpagechange',
  'close',
  'timerstart',
  'timerstop',
  'timerpause',
  'timerresume',
  'timeradjust',
  'timerdone',
  'run',
  'drop',
  'documentchange',
  'slidesviewchange',
  'canvasviewchange',
  'textreview',
  'stylechange',
]

/** UIAPI.resize: "The minimum size is 70x0." Whether Figma clamps or throws below it is not documented; the fake throws. */
const MIN_UI_SIZE = { width: 70, height: 0 }

const fontKey = (font: FontNameLike) => `${font.family}\u0000${font.style}`

/** Runs a task after the current one, like a message crossing from one context to another. */
const later = (task: () => void) => setTimeout(task, 0)

/** UIAPI.postMessage's rules, applied to both directions (the typings document only main → UI). */
const copyMessage = (message: unknown, what: string) =>
  copyPlainData(message, { what, root: 'the message', extraTypes: ['Date', 'Uint8Array'] })

export function createFakeFigma(options: FakeFigmaOptions = {}): FakeFigmaHost {
  const manifest = { ...DEFAULT_MANIFEST, ...options.manifest }
  const editorType = options.editorType ?? 'figma'
  if (manifest.editorType && !manifest.editorType.includes(editorType)) {
    throw new Error(`The manifest's editorType ${JSON.stringify(manifest.editorType)} does not include "${editorType}"`)
  }
  const permissions = manifest.permissions ?? []
  const dynamicPage = manifest.documentAccess === 'dynamic-page'
  const document = options.document ?? new FakeDocument()
  const storage = options.storage ?? memoryStorageBackend()
  const available = new Set((options.fonts ?? DEFAULT_FONTS).map(fontKey))
  const loadedFonts = new Set<string>()
  const onError = options.onError ?? ((error: unknown) => console.error('[fake figma] a message handler threw:', error))
  // Under dynamic-page access a run starts with the current page loaded, and nothing else.
  const loadedPages = new Set<FakePageNode>([document.currentPage])
  let allPagesLoaded = !dynamicPage

  const loadPage = (page: FakePageNode) =>
    new Promise<void>((resolve) =>
      later(() => {
        loadedPages.add(page)
        resolve()
      }),
    )

  const pluginError = realmErrorConverter(options.realmError)
  document.rules = {
    pluginError,
    pluginId: manifest.id ?? 'fake-plugin',
    relaunchCommands: (manifest.relaunchButtons ?? []).map((button) => button.command),
    isFontLoaded: (font) => loadedFonts.has(fontKey(font)),
    isPageLoaded: (page) => allPagesLoaded || loadedPages.has(page),
    allPagesLoaded: () => allPagesLoaded,
    loadPage,
    editorType,
    userName: options.currentUser?.name ?? 'Preview User',
  }

  const uiMessages: unknown[] = []
  const notifications: Notification[] = []
  const errors: unknown[] = []
  let ui: FakeFigmaHost['ui'] = null
  let closed = false
  let onmessage: ((message: unknown, props: { origin: string }) => void) | undefined
  const messageListeners = new Set<(message: unknown, props: { origin: string }) => void>()
  const eventListeners = new Map<string, Set<(...args: unknown[]) => void>>()
  let inFlight = 0
  const idleWaiters: (() => void)[] = []
  const center = { ...(options.viewportCenter ?? { x: 0, y: 0 }) }

  const assertOpen = (what: string) => {
    if (closed) throw new Error(`${what}: the plugin was closed`)
  }

  /** The open UI, or an error naming the call: figma.ui needs figma.showUI first. */
  const openUi = (what: string) => {
    assertOpen(what)
    if (!ui) throw new Error(`${what}: no UI is open (call figma.showUI first)`)
    return ui
  }

  const checkUiSize = (what: string, width: unknown, height: unknown) => {
    if (typeof width !== 'number' || typeof height !== 'number' || !Number.isFinite(width) || !Number.isFinite(height)) {
      throw new Error(`${what}: width and height must be numbers, got ${String(width)} × ${String(height)}`)
    }
    if (width < MIN_UI_SIZE.width || height < MIN_UI_SIZE.height) {
      throw new Error(`${what}: the minimum size is 70 × 0, got ${width} × ${height}`)
    }
  }

  const closeUi = () => {
    if (!ui) return
    ui = null
    options.onUiClose?.()
  }

  function fire(event: string, ...args: unknown[]) {
    for (const listener of [...(eventListeners.get(event) ?? [])]) listener(...args)
  }

  // documentchange: the changes of one task are reported together, after it, as Figma batches them.
  let pendingChanges: FakeDocumentChange[] = []
  const stopWatching = document.onChange((change) => {
    if (closed || !eventListeners.get('documentchange')?.size) return
    if (pendingChanges.length === 0) {
      later(() => {
        const documentChanges = pendingChanges
        pendingChanges = []
        if (closed) return
        // A node that was created and changed in the same batch is reported once, as created.
        const created = new Set(documentChanges.filter((c) => c.type === 'CREATE').map((c) => c.id))
        const kept = documentChanges.filter((c) => c.type !== 'PROPERTY_CHANGE' || !created.has(c.id))
        for (const listener of [...(eventListeners.get('documentchange') ?? [])]) {
          try {
            listener({ documentChanges: kept.map((c) => ({ ...c, ...(c.properties ? { properties: [...c.properties] } : {}) })) })
          } catch (error) {
            errors.push(error)
            onError(error)
          }
        }
      })
    }
    pendingChanges.push(change)
  })

  const uiApi = {
    postMessage(message: unknown, _options?: { origin?: string }) {
      openUi('figma.ui.postMessage')
      const copy = copyMessage(message, 'figma.ui.postMessage')
      uiMessages.push(copy)
      options.onUiMessage?.(copy)
    },
    get onmessage() {
      return onmessage
    },
    set onmessage(handler) {
      onmessage = handler
    },
    on(type: string, handler: (message: unknown, props: { origin: string }) => void) {
      if (type !== 'message') throw new Error(`figma.ui.on: unknown event "${type}" (figma.ui has only "message")`)
      messageListeners.add(handler)
    },
    once(type: string, handler: (message: unknown, props: { origin: string }) => void) {
      const wrapped = (message: unknown, props: { origin: string }) => {
        messageListeners.delete(wrapped)
        handler(message, props)
      }
      uiApi.on(type, wrapped)
    },
    off(type: string, handler: (message: unknown, props: { origin: string }) => void) {
      if (type === 'message') messageListeners.delete(handler)
    },
    resize(width: number, height: number) {
      const open = openUi('figma.ui.resize')
      checkUiSize('figma.ui.resize', width, height)
      open.width = Math.round(width)
      open.height = Math.round(height)
      options.onResize?.(open.width, open.height)
    },
    show() {
      openUi('figma.ui.show').visible = true
    },
    hide() {
      openUi('figma.ui.hide').visible = false
    },
    close() {
      // Closing when nothing is open is harmless in the fake; the typings do not say.
      closeUi()
    },
    reposition(x: number, y: number) {
      openUi('figma.ui.reposition')
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`figma.ui.reposition: x and y must be numbers, got ${x}, ${y}`)
    },
    /** UIAPI.getPosition: "Throws an error when no UI is available." */
    getPosition() {
      openUi('figma.ui.getPosition')
      return { windowSpace: { x: 0, y: 0 }, canvasSpace: { x: center.x, y: center.y } }
    },
  }

  const clientStorage = createClientStorage(storage, options.storageQuotaBytes ?? CLIENT_STORAGE_QUOTA_BYTES, later)

  const viewport = {
    get center() {
      return { ...center }
    },
    set center(point: { x: number; y: number }) {
      center.x = point.x
      center.y = point.y
    },
    zoom: 1,
    get bounds() {
      return { x: center.x - 600, y: center.y - 400, width: 1200, height: 800 }
    },
    scrollAndZoomIntoView(nodes: FakeBaseNode[]) {
      const first = nodes.find((node) => node instanceof FakeFrameNode)
      if (first) {
        center.x = first.x + first.width / 2
        center.y = first.y + first.height / 2
      }
    },
  }

  function closePlugin(message?: string) {
    if (closed) return
    // The 'close' listeners run while the plugin is still open ("about to close").
    fire('close')
    closed = true
    stopWatching()
    closeUi()
    // closePlugin's message is shown like a notification.
    if (message) notifications.push({ message, options: {} })
    options.onClose?.(message)
  }

  function checkEvent(event: unknown, what: string): string {
    if (typeof event !== 'string' || !EVENT_TYPES.includes(event)) {
      throw new Error(`${what}: unknown event ${JSON.stringify(event)} (the plugin API has ${EVENT_TYPES.join(', ')})`)
    }
    // PluginAPI.on: under dynamic-page, "you must first call PluginAPI.loadAllPagesAsync to access this event".
    if (event === 'documentchange' && !allPagesLoaded) {
      throw new Error(`${what}("documentchange") needs \`await figma.loadAllPagesAsync()\` first (documentAccess is "dynamic-page")`)
    }
    // "textreview" exists only for plugins with the textreview capability, running in text review mode.
    if (event === 'textreview') throw new Error(`${what}("textreview"): the plugin is not running in text review mode`)
    return event
  }

  function on(event: string, listener: (...args: unknown[]) => void) {
    const name = checkEvent(event, 'figma.on')
    if (typeof listener !== 'function') throw new Error('figma.on: the callback must be a function')
    if (!eventListeners.has(name)) eventListeners.set(name, new Set())
    eventListeners.get(name)!.add(listener)
  }

  const figmaApi: Record<string, unknown> = {
    apiVersion: '1.0.0',
    editorType,
    mode: 'default',
    pluginId: manifest.id,
    command: options.command ?? '',
    get currentUser() {
      if (!permissions.includes('currentuser')) {
        throw new Error('"currentuser" permission not specified in manifest.json: figma.currentUser is not available')
      }
      return options.currentUser === undefined
        ? { id: 'fake-user', name: 'Preview User', photoUrl: null, color: '#0D99FF', sessionId: 1 }
        : options.currentUser
    },
    get root() {
      return document.root
    },
    get currentPage() {
      return document.currentPage
    },
    set currentPage(page: unknown) {
      if (dynamicPage)
        throw new Error('Setting figma.currentPage is not supported with documentAccess: "dynamic-page"; use figma.setCurrentPageAsync')
      if (!(page instanceof FakePageNode)) throw new Error('figma.currentPage: expected a page')
      document.currentPage = page
    },
    /** Switches to the page and loads it. */
    setCurrentPageAsync(page: FakeBaseNode): Promise<void> {
      if (!(page instanceof FakePageNode)) return Promise.reject(new Error('setCurrentPageAsync: expected a page'))
      return loadPage(page).then(() => {
        document.currentPage = page
      })
    },
    loadAllPagesAsync(): Promise<void> {
      return new Promise<void>((resolve) =>
        later(() => {
          allPagesLoaded = true
          resolve()
        }),
      )
    },
    viewport,
    clientStorage,
    ui: uiApi,
    mixed: Symbol('figma.mixed'),
    showUI(html: string, showOptions: ShowUIOptionsLike = {}) {
      assertOpen('figma.showUI')
      if (typeof html !== 'string') throw new Error('figma.showUI: the html must be a string')
      const width = showOptions.width ?? 300
      const height = showOptions.height ?? 200
      checkUiSize('figma.showUI', width, height)
      // "If the <iframe> UI is already showing when this function is called, the previous UI will be closed".
      closeUi()
      ui = {
        html,
        options: { ...showOptions },
        width: Math.round(width),
        height: Math.round(height),
        visible: showOptions.visible !== false,
      }
      options.onShowUI?.(html, { ...showOptions })
    },
    notify(message: string, notifyOptions: Notification['options'] = {}) {
      if (typeof message !== 'string') throw new Error('figma.notify: the message must be a string')
      const notification = { message, options: { ...notifyOptions } }
      notifications.push(notification)
      options.onNotify?.(notification)
      return { cancel() {} }
    },
    closePlugin,
    on,
    once(event: string, listener: (...args: unknown[]) => void) {
      const wrapped = (...args: unknown[]) => {
        eventListeners.get(event)?.delete(wrapped)
        listener(...args)
      }
      on(event, wrapped)
    },
    off(event: string, listener: (...args: unknown[]) => void) {
      eventListeners.get(checkEvent(event, 'figma.off'))?.delete(listener)
    },
    loadFontAsync(font: FontNameLike): Promise<void> {
      return new Promise((resolve, reject) =>
        later(() => {
          if (!font || typeof font.family !== 'string' || typeof font.style !== 'string') {
            return reject(new Error('loadFontAsync: expected {family, style}'))
          }
          if (!available.has(fontKey(font))) return reject(new Error(`The font "${font.family} ${font.style}" could not be loaded`))
          loadedFonts.add(fontKey(font))
          resolve()
        }),
      )
    },
    listAvailableFontsAsync() {
      return Promise.resolve(
        [...available].map((key) => {
          const [family, style] = key.split('\u0000')
          return { fontName: { family, style } }
        }),
      )
    },
    getNodeById(id: string) {
      if (dynamicPage) {
        throw new Error('Cannot call getNodeById with documentAccess: "dynamic-page". Use figma.getNodeByIdAsync instead.')
      }
      return document.getNode(id)
    },
    /**
     * The node wherever it is. Whether Figma also loads the node's page is not documented: the
     * fake does not, so a page reached this way still needs loadAsync before its children.
     */
    getNodeByIdAsync(id: string) {
      return new Promise((resolve) => later(() => resolve(document.getNode(id))))
    },
    createFrame: () => document.createFrame(),
    createText: () => document.createText(),
    createRectangle: () => document.createRectangle(),
    createSection: () => document.createSection(),
    createSticky: () => document.createSticky(),
  }

  for (const api of [figmaApi, uiApi, viewport, clientStorage]) guardErrors(api, () => pluginError)

  function deliver(message: unknown) {
    const props = { origin: 'null' }
    const handlers = [onmessage, ...messageListeners].filter((handler) => handler !== undefined)
    for (const handler of handlers) {
      try {
        handler(message, props)
      } catch (error) {
        errors.push(error)
        onError(error)
      }
    }
  }

  return {
    figma: figmaApi,
    document,
    uiMessages,
    notifications,
    errors,
    get ui() {
      return ui
    },
    get closed() {
      return closed
    },
    sendToMain(pluginMessage) {
      if (closed) return
      if (!ui) throw new Error('parent.postMessage: no plugin UI is open to send from')
      const copy = copyMessage(pluginMessage, 'parent.postMessage({pluginMessage})')
      const from = ui
      inFlight++
      later(() => {
        inFlight--
        // A message still crossing when its UI closed is lost with it.
        if (!closed && ui === from) deliver(copy)
        if (inFlight === 0) for (const resolve of idleWaiters.splice(0)) resolve()
      })
    },
    flush() {
      if (inFlight === 0) return new Promise((resolve) => later(resolve))
      return new Promise((resolve) => idleWaiters.push(resolve))
    },
    install(html) {
      const target = globalThis as Record<string, unknown>
      const previous = { figma: target.figma, html: target.__html__ }
      target.figma = figmaApi
      if (html !== undefined) target.__html__ = html
      return () => {
        if (previous.figma === undefined) delete target.figma
        else target.figma = previous.figma
        if (html !== undefined) {
          if (previous.html === undefined) delete target.__html__
          else target.__html__ = previous.html
        }
      }
    },
    close() {
      closePlugin()
    },
  }
}

/** Not a Figma API: the nodes of a page as plain data, for the preview's canvas and for tests. */
export interface NodeSnapshot {
  id: string
  type: string
  name: string
  x: number
  y: number
  width: number
  height: number
  fills: Paint[]
  strokes: Paint[]
  strokeWeight: number
  cornerRadius: number
  layoutMode?: string
  itemSpacing?: number
  padding?: [number, number, number, number]
  characters?: string
  fontSize?: number
  fontName?: FontNameLike
  pluginData: Record<string, string>
  sharedPluginData: Record<string, Record<string, string>>
  relaunchData: Record<string, string>
  /** A sticky's author, when it shows it. */
  authorName?: string
  children: NodeSnapshot[]
}

export function snapshotNode(node: FakeBaseNode): NodeSnapshot {
  const scene = isScene(node) ? node : undefined
  const pluginData: Record<string, string> = {}
  for (const key of node.getPluginDataKeys()) pluginData[key] = node.getPluginData(key)
  const snapshot: NodeSnapshot = {
    id: node.id,
    type: node.type,
    name: node.name,
    x: Number(scene?.x ?? 0),
    y: Number(scene?.y ?? 0),
    width: Number(scene?.width ?? 0),
    height: Number(scene?.height ?? 0),
    fills: [...(scene?.fills ?? [])],
    strokes: [...(scene && 'strokes' in scene ? scene.strokes : [])],
    strokeWeight: Number(scene && 'strokeWeight' in scene ? scene.strokeWeight : 0),
    cornerRadius: Number(node instanceof FakeFrameNode || node instanceof FakeRectangleNode ? node.cornerRadius : 0),
    pluginData,
    sharedPluginData: node.allSharedPluginData,
    relaunchData: node.relaunchData,
    children: [],
  }
  if (node instanceof FakeFrameNode) {
    snapshot.layoutMode = node.layoutMode
    snapshot.itemSpacing = node.itemSpacing
    snapshot.padding = [node.paddingTop, node.paddingRight, node.paddingBottom, node.paddingLeft]
    snapshot.children = node.allChildren.map(snapshotNode)
  }
  if (node instanceof FakeSectionNode) {
    snapshot.cornerRadius = node.cornerRadius
    snapshot.children = node.allChildren.map(snapshotNode)
  }
  if (node instanceof FakeStickyNode) {
    snapshot.characters = node.text.characters
    snapshot.fontSize = node.text.fontSize
    snapshot.fontName = node.text.fontName
    if (node.authorVisible) snapshot.authorName = node.authorName
  }
  if (node instanceof FakeTextNode) {
    snapshot.characters = node.characters
    snapshot.fontSize = node.fontSize
    snapshot.fontName = node.fontName
  }
  return snapshot
}

/** Every text of a node and its descendants, in order. */
export function textsOf(node: NodeSnapshot): string[] {
  return [...(node.characters !== undefined ? [node.characters] : []), ...node.children.flatMap(textsOf)]
}
