/**
 * Runs the plugin's main thread against the fake `figma` global as Figma runs it: a script in a
 * realm of its own whose only globals are `figma`, `__html__`, timers and console (no fetch,
 * WebSocket, window or localStorage). The code is src/main.ts bundled as the build bundles it, or
 * the built build/main.js itself; the manifest is the one package.json's "figma-plugin" section
 * produces. The test plays the UI's side of the messages.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readFile } from 'node:fs/promises'
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
// @ts-expect-error: a plain JavaScript build configuration module.
import { completeManifest } from '../../build-figma-plugin.manifest.js'
import type { StoragePort } from '../../src/client/storage.ts'
import { createHostRealm, HOST_TIMERS } from '../support/host-realm.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The manifest fields build-figma-plugin derives from package.json (relaunchButtons become a list), with the build's id. */
export function pluginManifest(): FakeManifest {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  const config = pkg['figma-plugin']
  return {
    id: completeManifest(config, 'plugin').id,
    name: config.name,
    editorType: config.editorType,
    permissions: config.permissions,
    documentAccess: config.documentAccess,
    relaunchButtons: Object.entries(config.relaunchButtons ?? {}).map(([command, button]) => ({
      command,
      name: (button as { name: string }).name,
    })),
  }
}

/** The manifest.json `npm run build` wrote: what Figma reads next to build/main.js. */
export function builtManifest(): FakeManifest {
  const manifest = JSON.parse(readFileSync(`${root}manifest.json`, 'utf8'))
  const { id, name, editorType, permissions, documentAccess, relaunchButtons } = manifest
  return { id, name, editorType, permissions, documentAccess, relaunchButtons }
}

let bundle: Promise<string> | undefined

/**
 * src/main.ts bundled as build-figma-plugin bundles it (platform neutral, es2017), so every
 * plugin run gets fresh module state, as every run in Figma does.
 */
export function mainBundle(): Promise<string> {
  bundle ??= build({
    stdin: { contents: "import main from './src/main.ts'; __started(main())", resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'neutral',
    target: 'es2017',
    format: 'iife',
    // The build-time project with OPS_SUPABASE_* unset: the local stack and its publishable key.
    define: defineBuildConstants({}),
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text)
  return bundle
}

/** The UI's side of the messages, played by a test (the plugin's UI, or the widget's window). */
export interface UiSide {
  /** Emits a message to the main thread. */
  emit(name: string, ...args: unknown[]): void
  /** Main → UI messages with this name, as [name, ...args] arrays. */
  received(name: string): unknown[][]
  /** Waits until a main → UI message matches. */
  waitFor(name: string, match?: (args: unknown[]) => boolean): Promise<unknown[]>
  /** A StoragePort for src/client/storage.ts that goes through this main thread. */
  storagePort(): StoragePort
}

export interface RunningPlugin extends UiSide {
  host: FakeFigmaHost
  storage: ClientStorageBackend
  stop(): void
}

export const UI_HTML = '<p>ui</p>'

export interface StartPluginOptions extends FakeFigmaOptions {
  storage?: ClientStorageBackend
  /** Run the built build/main.js (made by `npm run build`) instead of a fresh bundle of src/main.ts. */
  built?: boolean
  /** The UI's HTML as Figma hands it to the code (`__html__`). */
  html?: string
}

/** What the bundle threw while loading, as an error of this realm (the bundle's own are not `instanceof Error` here). */
const loadFailure = (error: unknown) => new Error(`the plugin's code threw while loading: ${String(error)}`, { cause: error })

export async function startPlugin(options: StartPluginOptions = {}): Promise<RunningPlugin> {
  const storage = options.storage ?? memoryStorageBackend()
  const listeners = new Set<(message: unknown) => void>()
  const realm = createHostRealm({ __html__: options.html ?? UI_HTML, ...HOST_TIMERS })
  const host = createFakeFigma({
    manifest: options.built ? builtManifest() : pluginManifest(),
    onError: () => {},
    realmError: realm.Error,
    ...options,
    storage,
    onUiMessage(message) {
      options.onUiMessage?.(message)
      for (const listener of [...listeners]) listener(message)
    },
  })
  realm.global.figma = host.figma
  if (options.built) {
    // The built bundle calls the command's default export and keeps its promise to itself: the plugin has started once it shows its UI.
    const error = realm.run(await readFile(`${root}build/main.js`, 'utf8'))
    if (error !== undefined) throw loadFailure(error)
    await poll(() => host.ui ?? undefined, 'the built plugin to show its UI')
  } else {
    let started: Promise<void> | undefined
    realm.global.__started = (promise: Promise<void>) => {
      started = promise
    }
    const error = realm.run(await mainBundle())
    if (error !== undefined) throw loadFailure(error)
    await started
  }
  return { host, storage, ...uiSide(host, listeners), stop: () => host.close() }
}

/** The UI's side of `host`; `listeners` must receive every message the main thread posts (onUiMessage). */
export function uiSide(host: FakeFigmaHost, listeners: Set<(message: unknown) => void>): UiSide {
  const received = (name: string) =>
    host.uiMessages.filter((message): message is unknown[] => Array.isArray(message) && message[0] === name)

  return {
    emit: (name, ...args) => host.sendToMain([name, ...args]),
    received,
    async waitFor(name, match = () => true) {
      return poll(() => {
        const found = received(name).find((message) => match(message.slice(1)))
        if (!found && name !== 'MAIN_ERROR' && received('MAIN_ERROR').length > 0) {
          throw new Error(
            `waiting for ${name}, the main thread reported: ${received('MAIN_ERROR')
              .map((m) => m[1])
              .join('; ')}`,
          )
        }
        return found
      }, `a ${name} message`)
    },
    storagePort() {
      return {
        send: (message) => host.sendToMain(message),
        onResult(listener) {
          const onMessage = (message: unknown) => {
            if (Array.isArray(message) && message[0] === 'STORAGE_RESULT') {
              listener(message[1] as string, message[2] as string | null | undefined, message[3] as string | undefined)
            }
          }
          listeners.add(onMessage)
          return () => listeners.delete(onMessage)
        },
      }
    },
  }
}

/** Polls until `probe` returns a value (no timing is asserted; the limit is generous). */
export async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
