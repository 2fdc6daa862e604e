/**
 * The widget window's way to its widget code: `parent.postMessage({pluginMessage})` out and
 * `message` events in, as in any Figma plugin UI. The session storage port reuses the plugin's
 * message storage adapter over it.
 */
import type { StoragePort } from '../../../src/client/storage.ts'
import type { FromWindow, ToWindow } from '../live/protocol.ts'

export function send(message: FromWindow | { type: 'ready' }): void {
  parent.postMessage({ pluginMessage: message }, '*')
}

export function onMessage(listener: (message: ToWindow) => void): () => void {
  const handle = (event: MessageEvent) => {
    const message = (event.data as { pluginMessage?: ToWindow } | null)?.pluginMessage
    if (message && typeof message === 'object' && typeof message.type === 'string') listener(message)
  }
  window.addEventListener('message', handle)
  return () => window.removeEventListener('message', handle)
}

export function widgetStoragePort(): StoragePort {
  return {
    send([kind, requestId, key, value]) {
      const op = kind === 'STORAGE_GET' ? 'get' : kind === 'STORAGE_SET' ? 'set' : 'remove'
      send({ type: 'storage', op, requestId, key, ...(value === undefined ? {} : { value }) })
    },
    onResult(listener) {
      return onMessage((message) => {
        if (message.type === 'storage-result') listener(message.requestId, message.value, message.error)
      })
    },
  }
}
