/**
 * A fake `figma` global for running the plugin's main thread outside Figma: in the browser
 * preview (local/preview/host.ts) and in tests. It imitates the documented plugin API closely
 * enough for src/main: clientStorage (async, values cloned through JSON, the 5 MB quota),
 * currentUser (needs the currentuser permission), notify, showUI and figma.ui (postMessage,
 * onmessage, on('message'), resize), editorType, command, the current page and its selection,
 * the viewport, frames/text/rectangles, loadFontAsync (text edits before it throw as in Figma),
 * setRelaunchData (only the manifest's commands), setPluginData (100 kB) and getNodeByIdAsync
 * (getNodeById throws: the manifest asks for dynamic-page access).
 *
 * Messages go through the host: `sendToMain` delivers what the UI posted
 * (parent.postMessage({pluginMessage}, '*')) to figma.ui.onmessage asynchronously, as Figma does;
 * figma.ui.postMessage hands a structured copy to `onUiMessage` and records it.
 */
import {
  FakeDocument,
  FakeFrameNode,
  FakePageNode,
  FakeRectangleNode,
  FakeTextNode,
  isScene,
  type FakeBaseNode,
  type FontNameLike,
  type Paint,
} from './fake-nodes.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export { FakeDocument } from './fake-nodes.ts'
export type { FakeBaseNode, FakeFrameNode, FakeTextNode } from './fake-nodes.ts'

const CLIENT_STORAGE_QUOTA_BYTES = 5 * 1024 * 1024

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

/** Where clientStorage keeps its values (JSON text per key); the preview uses the page's localStorage. */
export interface ClientStorageBackend {
  keys(): string[]
  get(key: string): string | undefined
  set(key: string, json: string): void
  delete(key: string): void
}

export function memoryStorageBackend(initial: Record<string, unknown> = {}): ClientStorageBackend {
  const values = new Map(Object.entries(initial).map(([key, value]) => [key, JSON.stringify(value)]))
  return {
    keys: () => [...values.keys()],
    get: (key) => values.get(key),
    set: (key, json) => void values.set(key, json),
    delete: (key) => void values.delete(key),
  }
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
  onUiMessage?: (message: unknown) => void
  onResize?: (width: number, height: number) => void
  onNotify?: (notification: Notification) => void
  onClose?: (message: string | undefined) => void
  /** A main-thread handler threw; default: console.error. */
  onError?: (error: unknown) => void
}

export interface FakeFigmaHost {
  /** The `figma` object; `install()` puts it (and __html__) on globalThis. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- it stands in for Figma's global, which the plugin's bundle and the tests use as Figma's whole API
  readonly figma: any
  readonly document: FakeDocument
  /** Messages the main thread posted to the UI, in order (structured copies). */
  readonly uiMessages: unknown[]
  readonly notifications: Notification[]
  /** What main-thread message handlers threw. */
  readonly errors: unknown[]
  /** The UI, once showUI was called. */
  readonly ui: { html: string; options: ShowUIOptionsLike; width: number; height: number; visible: boolean } | null
  readonly closed: boolean
  /** Delivers a message from the UI, as `parent.postMessage({pluginMessage}, '*')` would. */
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

const utf8Length = (text: string) => new TextEncoder().encode(text).length
const fontKey = (font: FontNameLike) => `${font.family}\u0000${font.style}`

/** Runs a task after the current one, like a message crossing from one context to another. */
const later = (task: () => void) => setTimeout(task, 0)

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
  const quota = options.storageQuotaBytes ?? CLIENT_STORAGE_QUOTA_BYTES
  const available = new Set((options.fonts ?? DEFAULT_FONTS).map(fontKey))
  const loadedFonts = new Set<string>()
  const onError = options.onError ?? ((error: unknown) => console.error('[fake figma] a message handler threw:', error))

  document.rules = {
    pluginId: manifest.id ?? 'fake-plugin',
    relaunchCommands: (manifest.relaunchButtons ?? []).map((button) => button.command),
    isFontLoaded: (font) => loadedFonts.has(fontKey(font)),
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

  function fire(event: string, ...args: unknown[]) {
    for (const listener of [...(eventListeners.get(event) ?? [])]) listener(...args)
  }

  function usedBytes(except?: string): number {
    let total = 0
    for (const key of storage.keys()) if (key !== except) total += utf8Length(key) + utf8Length(storage.get(key) ?? '')
    return total
  }

  const clientStorage = {
    getAsync(key: string): Promise<unknown> {
      return new Promise((resolve, reject) =>
        later(() => {
          if (typeof key !== 'string') return reject(new Error('clientStorage.getAsync: the key must be a string'))
          try {
            const json = storage.get(key)
            resolve(json === undefined ? undefined : JSON.parse(json))
          } catch (error) {
            reject(new Error(`clientStorage.getAsync: ${errorMessage(error)}`))
          }
        }),
      )
    },
    setAsync(key: string, value: unknown): Promise<void> {
      return new Promise((resolve, reject) =>
        later(() => {
          if (typeof key !== 'string' || key === '') return reject(new Error('clientStorage.setAsync: the key must be a non-empty string'))
          if (value === undefined) {
            storage.delete(key)
            return resolve()
          }
          let json: string | undefined
          try {
            json = JSON.stringify(value)
          } catch (error) {
            return reject(new Error(`clientStorage.setAsync: the value for "${key}" cannot be stored (${errorMessage(error)})`))
          }
          if (json === undefined)
            return reject(new Error(`clientStorage.setAsync: the value for "${key}" cannot be stored (${typeof value})`))
          const size = usedBytes(key) + utf8Length(key) + utf8Length(json)
          if (size > quota) {
            return reject(
              new Error(`clientStorage.setAsync: storing "${key}" would use ${size} bytes; the plugin's quota is ${quota} bytes (5 MB)`),
            )
          }
          try {
            storage.set(key, json)
          } catch (error) {
            return reject(new Error(`clientStorage.setAsync: ${errorMessage(error)}`))
          }
          resolve()
        }),
      )
    },
    deleteAsync(key: string): Promise<void> {
      return new Promise((resolve) =>
        later(() => {
          storage.delete(key)
          resolve()
        }),
      )
    },
    keysAsync(): Promise<string[]> {
      return new Promise((resolve) => later(() => resolve(storage.keys())))
    },
  }

  const uiApi = {
    postMessage(message: unknown, _options?: { origin?: string }) {
      assertOpen('figma.ui.postMessage')
      if (!ui) throw new Error('figma.ui.postMessage: no UI is open (call figma.showUI first)')
      const copy = structuredClone(message)
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
      if (type !== 'message') throw new Error(`figma.ui.on: unknown event "${type}"`)
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
      assertOpen('figma.ui.resize')
      if (!ui) throw new Error('figma.ui.resize: no UI is open')
      if (!Number.isFinite(width) || !Number.isFinite(height) || width < 1 || height < 1) {
        throw new Error(`figma.ui.resize: width and height must be positive numbers, got ${width} × ${height}`)
      }
      ui.width = Math.round(width)
      ui.height = Math.round(height)
      options.onResize?.(ui.width, ui.height)
    },
    show() {
      if (ui) ui.visible = true
    },
    hide() {
      if (ui) ui.visible = false
    },
    close() {
      ui = null
    },
    reposition() {},
    getPosition() {
      return { windowSpace: { x: 0, y: 0 }, canvasSpace: { x: 0, y: 0 } }
    },
  }

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
    closed = true
    ui = null
    // closePlugin's message is shown like a notification.
    if (message) notifications.push({ message, options: {} })
    fire('close')
    options.onClose?.(message)
  }

  function on(event: string, listener: (...args: unknown[]) => void) {
    if (!eventListeners.has(event)) eventListeners.set(event, new Set())
    eventListeners.get(event)!.add(listener)
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
    set currentPage(_page: unknown) {
      if (dynamicPage)
        throw new Error('Setting figma.currentPage is not supported with documentAccess: "dynamic-page"; use figma.setCurrentPageAsync')
    },
    setCurrentPageAsync(page: FakeBaseNode): Promise<void> {
      if (!(page instanceof FakePageNode)) return Promise.reject(new Error('setCurrentPageAsync: expected a page'))
      document.currentPage = page
      return Promise.resolve()
    },
    viewport,
    clientStorage,
    ui: uiApi,
    mixed: Symbol('figma.mixed'),
    showUI(html: string, showOptions: ShowUIOptionsLike = {}) {
      assertOpen('figma.showUI')
      if (typeof html !== 'string') throw new Error('figma.showUI: the html must be a string')
      ui = {
        html,
        options: { ...showOptions },
        width: Math.round(showOptions.width ?? 300),
        height: Math.round(showOptions.height ?? 200),
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
      eventListeners.get(event)?.delete(listener)
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
    getNodeByIdAsync(id: string) {
      return Promise.resolve(document.getNode(id))
    },
    createFrame: () => document.createFrame(),
    createText: () => document.createText(),
    createRectangle: () => document.createRectangle(),
  }

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
      const copy = structuredClone(pluginMessage)
      inFlight++
      later(() => {
        inFlight--
        if (!closed) deliver(copy)
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
  relaunchData: Record<string, string>
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
    strokes: [...(scene?.strokes ?? [])],
    strokeWeight: Number(scene?.strokeWeight ?? 0),
    cornerRadius: Number(node instanceof FakeFrameNode || node instanceof FakeRectangleNode ? node.cornerRadius : 0),
    pluginData,
    relaunchData: node.relaunchData,
    children: [],
  }
  if (node instanceof FakeFrameNode) {
    snapshot.layoutMode = node.layoutMode
    snapshot.itemSpacing = node.itemSpacing
    snapshot.padding = [node.paddingTop, node.paddingRight, node.paddingBottom, node.paddingLeft]
    snapshot.children = node.children.map(snapshotNode)
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
