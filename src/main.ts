/**
 * The plugin's main thread: opens the UI (themed, at the size the user left it), keeps the UI's
 * session and settings in figma.clientStorage, draws run summary cards and Spec Kit documents'
 * sections on the canvas (turning stickies in them into suggested comments) and announces
 * finished runs. It has no network access of its own; the UI iframe talks to Supabase.
 */
import { showUI } from '@create-figma-plugin/utilities'
import { bootData } from './main/boot.ts'
import { serveSummaryCards } from './main/cards.ts'
import { reportUnhandledMessages } from './main/dispatch.ts'
import { serveRunFinished } from './main/notify.ts'
import { serveSettings } from './main/settings.ts'
import { serveSpecBoard } from './main/spec-board/serve.ts'
import { serveSessionStorage } from './main/storage.ts'
import { DEFAULT_SIZE, loadWindowSize, serveResize } from './main/window.ts'

export default async function (): Promise<void> {
  // Handlers first: the UI may send its first messages as soon as it is shown.
  reportUnhandledMessages()
  serveSessionStorage()
  serveSettings()
  serveResize()
  serveSummaryCards()
  serveRunFinished()
  serveSpecBoard()
  const [data, size] = await Promise.all([bootData(), loadWindowSize().catch(() => DEFAULT_SIZE)])
  showUI({ width: size.width, height: size.height, title: 'Ops Control Room' }, { ...data })
}
