/**
 * The preview page's script: it plays the Figma host for the built plugin.
 *
 * - The real build/main.js runs against the fake `figma` global (fake-figma.ts) in a realm of
 *   its own with Figma's main-thread globals only (main-thread-realm.ts): no window, document,
 *   fetch, WebSocket or localStorage, so create-figma-plugin takes its main-thread path and code
 *   that would need the browser fails here as it would in Figma. clientStorage is kept in this
 *   page's localStorage, by the host.
 * - The UI is shown as Figma shows it: in an iframe sandboxed to a null origin (srcdoc) that may
 *   run scripts, download files and open links in a new tab, with clipboard writes allowed, and
 *   Figma's theme colour tokens. The canvas follows the chosen editor and theme too. The UI posts
 *   `parent.postMessage({pluginMessage}, '*')`; the host delivers `{pluginMessage, pluginId}`.
 * - The side panel shows the canvas (nodes the plugin drew, with their relaunch buttons) and
 *   figma.notify toasts. The plugin's settings point at the running local stack (/config.json).
 */
import {
  createFakeFigma,
  FakeDocument,
  snapshotNode,
  type ClientStorageBackend,
  type FakeFigmaHost,
  type FakeManifest,
  type NodeSnapshot,
  type Notification,
} from './fake-figma.ts'
import { isScene, type Paint } from './fake-nodes.ts'
import { createMainThreadRealm } from './main-thread-realm.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { isJsonObject } from '../json-object.ts'

/** /config.json, written by the preview server: the local stack the plugin talks to. */
interface PreviewConfig {
  supabaseUrl: string
  anonKey: string
}

interface Plugin {
  config: PreviewConfig
  manifest: FakeManifest
  mainJs: string
  uiJs: string
  themeCss: string
}

const STORAGE_PREFIX = 'ops-preview:clientStorage:'
const SEEDED_KEY = 'ops-preview:seeded-settings'

/** An element of the preview page (index.html), of the type the script expects. */
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id)
  if (!(element instanceof type)) throw new Error(`the preview page has no ${type.name} #${id}`)
  return element
}

/** How a failure of the plugin's main thread is shown: with its stack when it has one (its errors are of its own realm, not this page's). */
function describeFailure(error: unknown): string {
  const stack: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'stack') : undefined
  return typeof stack === 'string' ? stack : errorMessage(error)
}

/** figma.clientStorage kept in this page's localStorage (JSON text per key). */
function localStorageBackend(): ClientStorageBackend {
  return {
    keys: () =>
      Object.keys(localStorage)
        .filter((key) => key.startsWith(STORAGE_PREFIX))
        .map((key) => key.slice(STORAGE_PREFIX.length)),
    get: (key) => localStorage.getItem(STORAGE_PREFIX + key) ?? undefined,
    set: (key, json) => localStorage.setItem(STORAGE_PREFIX + key, json),
    delete: (key) => localStorage.removeItem(STORAGE_PREFIX + key),
  }
}

/**
 * Points the plugin at the running stack, unless the user saved other settings in the plugin:
 * settings equal to what the preview seeded last time are replaced (the stack may have moved).
 */
function seedSettings(storage: ClientStorageBackend, config: PreviewConfig): void {
  const seeded = JSON.stringify(config)
  const saved = storage.get('settings')
  if (saved === undefined || saved === localStorage.getItem(SEEDED_KEY)) {
    storage.set('settings', seeded)
    localStorage.setItem(SEEDED_KEY, seeded)
  }
}

async function load(): Promise<Plugin> {
  const get = async (path: string) => {
    const response = await fetch(path)
    const text = await response.text()
    if (!response.ok) throw new Error(text || `${path}: HTTP ${response.status}`)
    return text
  }
  const [config, manifest, mainJs, uiJs, themeCss] = await Promise.all([
    get('/config.json'),
    get('/plugin/manifest.json'),
    get('/plugin/main.js'),
    get('/plugin/ui.js'),
    get('/theme.css'),
  ])
  return { config: previewConfig(JSON.parse(config)), manifest: pluginManifest(JSON.parse(manifest)), mainJs, uiJs, themeCss }
}

// The page checks what it reads with small guards rather than a schema library, to stay a small script.
const isText = (value: unknown): value is string => typeof value === 'string'
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText)
const isRelaunchButton = (value: unknown): value is { command: string; name: string } =>
  isJsonObject(value) && isText(value.command) && isText(value.name)

function previewConfig(value: unknown): PreviewConfig {
  if (isJsonObject(value) && isText(value.supabaseUrl) && isText(value.anonKey))
    return { supabaseUrl: value.supabaseUrl, anonKey: value.anonKey }
  throw new Error('/config.json must hold supabaseUrl and anonKey as text')
}

/** The parts of the built manifest.json the fake host enforces and the canvas shows. */
function pluginManifest(value: unknown): FakeManifest {
  if (!isJsonObject(value)) throw new Error('/plugin/manifest.json must be a JSON object')
  const field = <T>(key: string, is: (field: unknown) => field is T, expected: string): T | undefined => {
    const found = value[key]
    if (found === undefined || is(found)) return found
    throw new Error(`/plugin/manifest.json: ${key} must be ${expected}`)
  }
  return {
    name: field('name', isText, 'text'),
    id: field('id', isText, 'text'),
    editorType: field('editorType', isTextList, 'a list of text'),
    permissions: field('permissions', isTextList, 'a list of text'),
    documentAccess: field('documentAccess', isText, 'text'),
    relaunchButtons: field(
      'relaunchButtons',
      (buttons) => Array.isArray(buttons) && buttons.every(isRelaunchButton),
      'a list of {command, name}',
    ),
  }
}

function showError(message: string): void {
  const errors = byId('errors', HTMLDivElement)
  errors.textContent = `${errors.textContent ? `${errors.textContent}\n` : ''}${message}`
}

function toast(notification: Notification): void {
  const item = document.createElement('div')
  item.className = `toast${notification.options.error ? ' error' : ''}`
  item.textContent = notification.message
  byId('toasts', HTMLElement).appendChild(item)
  setTimeout(() => item.remove(), notification.options.timeout ?? 3000)
  const log = document.createElement('li')
  log.textContent = `${new Date().toLocaleTimeString()} ${notification.message}`
  byId('notifications', HTMLElement).prepend(log)
}

// ---- the canvas ------------------------------------------------------------------------------

const css = (color?: { r: number; g: number; b: number }, opacity = 1) =>
  color ? `rgba(${Math.round(color.r * 255)}, ${Math.round(color.g * 255)}, ${Math.round(color.b * 255)}, ${opacity})` : 'transparent'

const solid = (paints: Paint[]) => paints.find((paint) => paint.type === 'SOLID')

/** Nodes whose children sit where their x and y say (no auto layout): sections and free frames. */
const placesChildren = (node: NodeSnapshot) => node.type === 'SECTION' || (node.type === 'FRAME' && (node.layoutMode ?? 'NONE') === 'NONE')

/**
 * Draws a node roughly as Figma would: auto-layout frames as flex boxes, text as text, sections
 * and free frames with their children at their x and y, stickies as FigJam's squares with their
 * author. `placed`: the parent positions it (a section's or free frame's child).
 */
function renderNode(node: NodeSnapshot, placed = false): HTMLElement {
  const element = document.createElement('div')
  element.dataset.nodeId = node.id
  element.dataset.nodeName = node.name
  element.dataset.nodeType = node.type
  const fill = solid(node.fills)
  const position = placed ? `position:absolute;left:${node.x}px;top:${node.y}px;` : 'position:relative;'
  if (node.type === 'TEXT') {
    element.textContent = node.characters ?? ''
    element.style.cssText =
      (placed ? position : '') +
      `font-size:${node.fontSize}px;font-weight:${/bold/i.test(node.fontName?.style ?? '') ? 700 : 400};` +
      `color:${css(fill?.color, fill?.opacity)};white-space:pre-wrap;line-height:1.25`
    return element
  }
  if (node.type === 'STICKY') {
    element.style.cssText =
      position +
      `width:${node.width}px;height:${node.height}px;background:${css(fill?.color, fill?.opacity)};` +
      'box-shadow:0 1px 3px rgba(0,0,0,.2);padding:16px;display:flex;flex-direction:column;justify-content:space-between;color:#1e1e1e'
    const body = document.createElement('div')
    body.textContent = node.characters ?? ''
    body.style.cssText = `font-size:${node.fontSize ?? 16}px;white-space:pre-wrap;overflow:hidden;line-height:1.3`
    const author = document.createElement('div')
    author.textContent = node.authorName ?? ''
    author.style.cssText = 'font-size:11px;color:#6b6b6b'
    element.append(body, author)
    return element
  }
  const stroke = solid(node.strokes)
  if (placesChildren(node)) {
    element.style.cssText =
      position +
      `width:${node.width}px;height:${node.height}px;background:${css(fill?.color, fill?.opacity)};border-radius:${node.cornerRadius}px;` +
      (stroke ? `box-shadow:inset 0 0 0 ${node.strokeWeight}px ${css(stroke.color, stroke.opacity)};` : '') +
      (node.type === 'SECTION' ? 'border:1px solid #b3b3b3;border-radius:8px;' : '')
    if (node.type === 'SECTION') {
      // FigJam shows a section's name on a tab at its top left.
      const label = document.createElement('div')
      label.textContent = node.name
      label.style.cssText =
        'position:absolute;left:0;top:-26px;padding:3px 10px;border-radius:6px;background:#1e1e1e;color:#fff;font-size:13px;white-space:nowrap'
      element.appendChild(label)
    }
    for (const child of node.children) element.appendChild(renderNode(child, true))
    return element
  }
  const [top, right, bottom, left] = node.padding ?? [0, 0, 0, 0]
  element.style.cssText =
    (placed ? position : '') +
    `background:${css(fill?.color, fill?.opacity)};border-radius:${node.cornerRadius}px;` +
    `padding:${top}px ${right}px ${bottom}px ${left}px;` +
    (stroke ? `box-shadow:inset 0 0 0 ${node.strokeWeight}px ${css(stroke.color, stroke.opacity)};` : '') +
    (node.layoutMode && node.layoutMode !== 'NONE'
      ? `display:flex;flex-direction:${node.layoutMode === 'VERTICAL' ? 'column' : 'row'};gap:${node.itemSpacing ?? 0}px;` +
        (node.layoutMode === 'HORIZONTAL' ? 'align-items:center;' : '')
      : '') +
    (node.layoutMode === 'VERTICAL' ? `width:${node.width}px;` : '')
  for (const child of node.children) element.appendChild(renderNode(child))
  return element
}

// ---- running the plugin --------------------------------------------------------------------

function main(plugin: Plugin): void {
  const storage = localStorageBackend()
  seedSettings(storage, plugin.config)
  const canvas = new FakeDocument('Preview board')
  let run: FakeFigmaHost | null = null
  let iframe: HTMLIFrameElement | null = null
  let queue: unknown[] | null = null
  let lastCanvas = ''

  byId('stack', HTMLElement).textContent = `stack ${plugin.config.supabaseUrl}`
  const editor = byId('editor', HTMLSelectElement)
  const theme = byId('theme', HTMLSelectElement)
  editor.value = localStorage.getItem('ops-preview:editor') ?? 'figma'
  theme.value = localStorage.getItem('ops-preview:theme') ?? 'light'

  const windowElement = byId('window', HTMLElement)
  const showClosed = (text: string) => {
    windowElement.innerHTML = ''
    const closed = document.createElement('div')
    closed.className = 'closed'
    closed.textContent = text
    windowElement.appendChild(closed)
    iframe = null
  }

  function mountUi(html: string, width: number, height: number, title: string) {
    windowElement.innerHTML = ''
    const bar = document.createElement('div')
    bar.className = 'title'
    bar.textContent = title
    const close = document.createElement('button')
    close.type = 'button'
    close.title = 'Close plugin'
    close.textContent = '×'
    close.onclick = () => run?.close()
    bar.appendChild(close)
    const frame = document.createElement('iframe')
    // What Figma's plugin iframe allows: without allow-downloads a log's Download does nothing.
    frame.setAttribute('sandbox', 'allow-scripts allow-downloads allow-popups allow-popups-to-escape-sandbox')
    frame.setAttribute('allow', 'clipboard-write')
    frame.title = title
    frame.width = String(width)
    frame.height = String(height)
    frame.srcdoc =
      `<!doctype html><html><head><meta charset="utf-8"><style>${plugin.themeCss}</style>` +
      `<style>body{margin:0;background:var(--figma-color-bg);color:var(--figma-color-text)}</style></head>` +
      `<body class="figma-${theme.value}">${html}</body></html>`
    // Messages posted before the UI document exists would be lost: hold them until it loaded.
    queue = []
    frame.addEventListener('load', () => {
      const pending = queue ?? []
      queue = null
      for (const message of pending) post(message)
    })
    windowElement.append(bar, frame)
    iframe = frame
  }

  function post(message: unknown) {
    if (queue) {
      queue.push(message)
      return
    }
    iframe?.contentWindow?.postMessage({ pluginMessage: message, pluginId: plugin.manifest.id }, '*')
  }

  window.addEventListener('message', (event) => {
    if (!iframe || event.source !== iframe.contentWindow) return
    const data: unknown = event.data
    if (!isJsonObject(data) || !('pluginMessage' in data)) return
    try {
      run?.sendToMain(data.pluginMessage)
    } catch (error) {
      // Not plain data, or sent after the plugin closed its UI: Figma would not deliver it either.
      showError(`UI → main thread: ${errorMessage(error)}`)
    }
  })

  function start(command: string) {
    run?.close()
    const mainThread = createMainThreadRealm(document)
    const viewport = byId('canvas', HTMLElement).getBoundingClientRect()
    const current = createFakeFigma({
      editorType: editor.value === 'figjam' ? 'figjam' : 'figma',
      command,
      manifest: plugin.manifest,
      document: canvas,
      storage,
      currentUser: { id: 'preview-user', name: 'Preview User', photoUrl: null },
      viewportCenter: { x: Math.round(viewport.width / 2), y: Math.round(viewport.height / 2) },
      onShowUI: (html, options) =>
        mountUi(html, options.width ?? 300, options.height ?? 200, options.title ?? plugin.manifest.name ?? 'Plugin'),
      onUiClose: () => {
        if (run === current) showClosed('The plugin closed its window.')
      },
      onUiMessage: (message) => post(message),
      onResize: (width, height) => {
        if (iframe) {
          iframe.width = String(width)
          iframe.height = String(height)
        }
      },
      onNotify: toast,
      onClose: () => {
        if (run === current) showClosed('The plugin is closed. Run it again from the toolbar or a card’s relaunch button.')
        // Figma ends a closed plugin's code, timers included; after the close listeners have returned.
        setTimeout(() => mainThread.remove(), 0)
      },
      onError: (error) => showError(`Main thread: ${describeFailure(error)}`),
      realmError: mainThread.Error,
    })
    run = current
    try {
      // build/main.js as Figma runs it: in a realm of its own with figma and __html__, and nothing of the browser.
      mainThread.run(plugin.mainJs, { figma: current.figma, __html__: plugin.uiJs })
    } catch (error) {
      showError(`Main thread: ${describeFailure(error)}`)
    }
  }

  function renderCanvas() {
    const page = canvas.currentPage
    const nodes = page.children.map(snapshotNode)
    const selected = page.selection.map((node) => node.id)
    const key = JSON.stringify([nodes, selected])
    if (key === lastCanvas) return
    lastCanvas = key
    const container = byId('canvas', HTMLElement)
    container.innerHTML = ''
    if (nodes.length === 0) {
      const empty = document.createElement('p')
      empty.className = 'empty'
      empty.textContent = 'Cards added with “Add to board” appear here.'
      container.appendChild(empty)
    }
    for (const node of nodes) {
      const wrap = document.createElement('div')
      wrap.className = `node-wrap${selected.includes(node.id) ? ' selected' : ''}`
      const drawn = renderNode(node)
      drawn.classList.add('node')
      // A section wider than the canvas is shown whole, smaller (as zooming out on the board).
      const room = container.clientWidth - 48
      if (node.type === 'SECTION' && room > 0 && node.width > room) {
        drawn.style.zoom = String(room / node.width)
        wrap.style.paddingTop = `${Math.ceil(26 * (room / node.width))}px`
      }
      if (node.type === 'SECTION' && !wrap.style.paddingTop) wrap.style.paddingTop = '26px'
      drawn.onclick = () => {
        const target = canvas.getNode(node.id)
        if (target) page.selection = [target]
      }
      if (node.type === 'SECTION') drawn.ondblclick = (event) => putSticky(event)
      wrap.appendChild(drawn)
      for (const [command, description] of Object.entries(node.relaunchData)) {
        const button = (plugin.manifest.relaunchButtons ?? []).find((b) => b.command === command)
        const row = document.createElement('div')
        row.className = 'relaunch'
        const relaunch = document.createElement('button')
        relaunch.type = 'button'
        relaunch.textContent = button?.name ?? command
        relaunch.onclick = () => {
          const target = canvas.getNode(node.id)
          if (target) page.selection = [target]
          start(command)
        }
        const text = document.createElement('span')
        text.textContent = description
        row.append(relaunch, text)
        wrap.appendChild(row)
      }
      container.appendChild(wrap)
    }
  }

  /**
   * What a collaborator does in FigJam, for trying the board in the preview: a double-click on a
   * frame inside a section puts a sticky with the text asked for there (in its lower half, as a
   * person drops one on a card), written by "Preview collaborator".
   */
  function putSticky(event: MouseEvent) {
    const target =
      event.target instanceof Element ? event.target.closest<HTMLElement>('[data-node-type="SECTION"] > [data-node-type="FRAME"]') : null
    const frame = target?.dataset.nodeId ? canvas.getNode(target.dataset.nodeId) : null
    if (!frame || !isScene(frame) || frame.parent?.type !== 'SECTION') return
    const text = prompt(`A sticky in “${frame.name}” (as a collaborator):`)
    if (!text) return
    const box = frame.absoluteBoundingBox
    canvas.placeSticky({
      text,
      authorName: 'Preview collaborator',
      x: Math.round(box.x + box.width * 0.72 - 120),
      y: Math.round(box.y + box.height * 0.75 - 120),
    })
  }

  /** The page around the plugin (canvas, cards' surroundings, chrome) in the chosen editor and theme. */
  const applyLook = () => {
    document.documentElement.dataset.editor = editor.value
    document.documentElement.dataset.theme = theme.value
    const board = byId('canvas', HTMLElement)
    board.dataset.editor = editor.value
    board.dataset.theme = theme.value
  }
  applyLook()

  byId('run', HTMLElement).onclick = () => start('')
  editor.onchange = () => {
    localStorage.setItem('ops-preview:editor', editor.value)
    applyLook()
    start('')
  }
  theme.onchange = () => {
    localStorage.setItem('ops-preview:theme', theme.value)
    applyLook()
    start('')
  }
  byId('reset', HTMLElement).onclick = () => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('ops-preview:')) localStorage.removeItem(key)
    location.reload()
  }
  setInterval(renderCanvas, 250)
  start('')
}

load().then(main, (error: unknown) => {
  showError(errorMessage(error))
  byId('window', HTMLElement).innerHTML = '<div class="closed">The plugin could not be loaded (see above).</div>'
})
