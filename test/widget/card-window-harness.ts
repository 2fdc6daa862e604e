/**
 * Runs the widget's code that opens and serves a card's window (widget/src/live/card-window.ts,
 * bundled as build-figma-plugin bundles widget code: platform neutral, es2017) against the fake
 * `figma` global with the widget's manifest. Each window gets fresh module state, as each run of
 * the widget's code in FigJam does. The test plays the window's side of the messages, or relays
 * them to the built window in a browser.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import {
  createFakeFigma,
  memoryStorageBackend,
  type ClientStorageBackend,
  type FakeFigmaHost,
  type FakeFigmaOptions,
  type FakeManifest,
} from '../../local/preview/fake-figma.ts'
// @ts-expect-error: a plain JavaScript build configuration module.
import { defineBuildConstants } from '../../build-figma-plugin.env.js'
import type { Settings } from '../../src/client/types.ts'
import type { CardWindowHandlers, CardWindowOptions, CardWindowSession } from '../../widget/src/live/card-window.ts'
import type { CardWindowProps, WindowMode } from '../../widget/src/messages.ts'
import { poll, uiSide, type UiSide } from '../plugin/harness.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The manifest fields build-figma-plugin derives from widget/package.json. */
function widgetManifest(): FakeManifest {
  const config = JSON.parse(readFileSync(`${root}widget/package.json`, 'utf8'))['figma-plugin']
  return {
    id: config.id,
    name: config.name,
    editorType: config.editorType,
    permissions: config.permissions,
    documentAccess: config.documentAccess,
  }
}

type OpenCardWindow = (mode: WindowMode, options: CardWindowOptions, handlers?: CardWindowHandlers) => CardWindowSession

const bundles = new Map<string, Promise<string>>()

/**
 * Bundles `contents` (an entry importing from the repository) as build-figma-plugin bundles widget
 * code, for a build-time project (as `npm run build` with OPS_SUPABASE_URL / OPS_SUPABASE_PUBLISHABLE_KEY),
 * or the local default.
 */
function widgetBundle(contents: string, project?: Settings): Promise<string> {
  const cacheKey = JSON.stringify([contents, project ?? null])
  const define: Record<string, string> = defineBuildConstants(
    project ? { OPS_SUPABASE_URL: project.supabaseUrl, OPS_SUPABASE_PUBLISHABLE_KEY: project.anonKey } : {},
  )
  if (bundles.has(cacheKey)) return bundles.get(cacheKey)!
  const bundle = build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'neutral',
    target: 'es2017',
    format: 'iife',
    define,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text)
  bundles.set(cacheKey, bundle)
  return bundle
}

const cardWindowBundle = (project?: Settings) =>
  widgetBundle("import { openCardWindow } from './widget/src/live/card-window.ts'; __loaded(openCardWindow)", project)

/**
 * The whole widget code (what widget/build/main.js holds) built for `project`: its entry's default
 * export called as create-figma-plugin's bundle calls it.
 */
export const widgetCodeBundle = (project?: Settings) => widgetBundle("import main from './widget/src/main.tsx'; main()", project)

export interface OpenedCardWindow extends UiSide {
  host: FakeFigmaHost
  storage: ClientStorageBackend
  /** Settles when the widget's code is done with the window (it has closed by then). */
  done: Promise<void>
  /** Ends the session from the widget's side (as a live driver does when no card is its own). */
  close(): void
  /** showUI's data: what the window was opened for, with which settings. */
  props(): CardWindowProps
}

export interface CardWindowHarnessOptions extends FakeFigmaOptions {
  /** The window's bundle as FigJam hands it to the code (`__html__`); a stand-in by default. */
  html?: string
  /** The Supabase project the widget is built for (default: the local stack's defaults). */
  project?: Settings
}

/** The widget's code opens a card window in `mode`; the test is the window. */
export async function openCardWindow(
  mode: WindowMode,
  options: CardWindowOptions,
  handlers: CardWindowHandlers = {},
  harness: CardWindowHarnessOptions = {},
): Promise<OpenedCardWindow> {
  const storage = harness.storage ?? memoryStorageBackend()
  const listeners = new Set<(message: unknown) => void>()
  const host = createFakeFigma({
    manifest: widgetManifest(),
    editorType: 'figjam',
    currentUser: { id: 'u-ana', name: 'Ana', photoUrl: null, sessionId: 7 },
    onError: () => {},
    ...harness,
    storage,
    onUiMessage(message) {
      harness.onUiMessage?.(message)
      for (const listener of [...listeners]) listener(message)
    },
  })
  const windowHtml = harness.html ?? 'window()'
  let open: OpenCardWindow | undefined
  // The bundle runs as FigJam runs widget code: a script with `figma` and `__html__` in scope.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the built bundle, run as FigJam runs it
  new Function('figma', '__html__', '__loaded', await cardWindowBundle(harness.project))(
    host.figma,
    windowHtml,
    (loaded: OpenCardWindow) => {
      open = loaded
    },
  )
  const session = open!(mode, options, handlers)
  // The window exists (and can send) once the code has shown it.
  await poll(() => host.ui ?? undefined, 'the card window to open')
  return {
    host,
    storage,
    done: session,
    close: () => session.close(),
    props() {
      if (!host.ui) throw new Error('the widget code did not show its window')
      const { html } = host.ui
      const start = html.indexOf('const __SHOW_UI_DATA__=') + 'const __SHOW_UI_DATA__='.length
      return JSON.parse(html.slice(start, html.lastIndexOf(`;${windowHtml}</script>`))) as CardWindowProps
    },
    ...uiSide(host, listeners),
  }
}
