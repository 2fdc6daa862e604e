/**
 * Opens the widget's window (visible for picking a run or showing one, hidden for keeping cards
 * live and for actions) and serves it: figma.clientStorage for its session, and its results.
 * The promise keeps the widget's code alive (waitForTask / a pending click handler) until the
 * window is done; then the code is closed, which also closes the window.
 */
import { showUI } from '@create-figma-plugin/utilities'
import { defaultSettings } from '../../../src/client/settings.ts'
import type { RunSnapshot } from '../card/snapshot.ts'
import type { FromWindow, ToWindow, WindowMode } from './protocol.ts'

export interface WindowHandlers {
  onPicked?(snapshot: RunSnapshot): void
  onSnapshot?(snapshot: RunSnapshot): void
  onFinished?(): void
  onDone?(result: { snapshot?: RunSnapshot; started?: RunSnapshot }): void | Promise<void>
}

export interface WindowOptions {
  visible: boolean
  title?: string
  width?: number
  height?: number
}

const post = (message: ToWindow) => figma.ui.postMessage(message)

async function serveStorage(message: Extract<FromWindow, { type: 'storage' }>): Promise<void> {
  try {
    if (message.op === 'get') {
      const value = await figma.clientStorage.getAsync(message.key)
      post({ type: 'storage-result', requestId: message.requestId, value: typeof value === 'string' ? value : null })
    } else if (message.op === 'set') {
      await figma.clientStorage.setAsync(message.key, message.value ?? '')
      post({ type: 'storage-result', requestId: message.requestId, value: undefined })
    } else {
      await figma.clientStorage.deleteAsync(message.key)
      post({ type: 'storage-result', requestId: message.requestId, value: undefined })
    }
  } catch (error) {
    post({ type: 'storage-result', requestId: message.requestId, value: undefined, error: (error as Error).message })
  }
}

export function openWindow(mode: WindowMode, options: WindowOptions, handlers: WindowHandlers = {}): Promise<void> {
  return new Promise<void>((resolve) => {
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      resolve()
      figma.closePlugin()
    }
    // create-figma-plugin's showUI wraps the UI bundle in the page its `render` expects.
    showUI({ visible: options.visible, title: options.title, width: options.width ?? 380, height: options.height ?? 520 })
    figma.ui.onmessage = (message: FromWindow | { type: 'ready' }) => {
      switch (message.type) {
        case 'ready':
          post({ type: 'start', mode, settings: defaultSettings() })
          return
        case 'storage':
          void serveStorage(message)
          return
        case 'picked':
          handlers.onPicked?.(message.snapshot)
          finish()
          return
        case 'snapshot':
          handlers.onSnapshot?.(message.snapshot)
          return
        case 'finished':
          handlers.onFinished?.()
          finish()
          return
        case 'done':
          void Promise.resolve(handlers.onDone?.(message)).finally(finish)
          return
        case 'error':
          figma.notify(message.message, { error: true })
          if (!options.visible) finish()
          return
        case 'close':
          finish()
      }
    }
  })
}
