/**
 * supabase-js `auth.storage` for the plugin iframe, which has no localStorage: every read and
 * write is a STORAGE_* message to the main thread (figma.clientStorage), answered by
 * STORAGE_RESULT with the same request id. A request the main thread does not answer in time
 * rejects with a message that says so, instead of hanging sign-in forever.
 */
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

type StorageMessage =
  | ['STORAGE_GET', requestId: string, key: string]
  | ['STORAGE_SET', requestId: string, key: string, value: string]
  | ['STORAGE_REMOVE', requestId: string, key: string]

/** How the adapter talks to the main thread (in the plugin: ui-port.ts; in tests: a fake). */
export interface StoragePort {
  send(message: StorageMessage): void
  /** Registers the STORAGE_RESULT listener; returns a function that removes it. */
  onResult(listener: (requestId: string, value: string | null | undefined, error?: string) => void): () => void
}

export interface MessageStorage {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
  /** Stops listening; pending requests reject. */
  dispose(): void
}

export interface MessageStorageOptions {
  /** How long to wait for the main thread (default 10 s). */
  timeoutMs?: number
}

interface Pending {
  resolve(value: string | null | undefined): void
  reject(error: Error): void
  timer: ReturnType<typeof setTimeout>
}

const OUTCOME = { STORAGE_GET: 'read', STORAGE_SET: 'saved', STORAGE_REMOVE: 'removed' } as const

let instances = 0

export function createMessageStorage(port: StoragePort, options: MessageStorageOptions = {}): MessageStorage {
  const timeoutMs = options.timeoutMs ?? 10_000
  const prefix = `s${++instances}-${Math.random().toString(36).slice(2, 8)}`
  let counter = 0
  const pending = new Map<string, Pending>()

  const stop = port.onResult((requestId, value, error) => {
    const request = pending.get(requestId)
    if (!request) return // another adapter's request, or one that already timed out
    pending.delete(requestId)
    clearTimeout(request.timer)
    if (error) request.reject(new Error(`Session storage failed in the plugin main thread: ${error}`))
    else request.resolve(value)
  })

  const nextRequestId = () => `${prefix}-${++counter}`

  /** Sends one request and settles with the main thread's answer to its request id. */
  function request(message: StorageMessage) {
    const [kind, requestId, key] = message
    return new Promise<string | null | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(requestId)
        reject(
          new Error(
            `The plugin main thread did not answer ${kind} for "${key}" within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}, ` +
              `so the session could not be ${OUTCOME[kind]}. Close and reopen the plugin.`,
          ),
        )
      }, timeoutMs)
      pending.set(requestId, { resolve, reject, timer })
      try {
        port.send(message)
      } catch (error) {
        clearTimeout(timer)
        pending.delete(requestId)
        reject(new Error(`Could not send ${kind} to the plugin main thread: ${errorMessage(error)}`))
      }
    })
  }

  return {
    async getItem(key) {
      const value = await request(['STORAGE_GET', nextRequestId(), key])
      return typeof value === 'string' ? value : null
    },
    async setItem(key, value) {
      await request(['STORAGE_SET', nextRequestId(), key, value])
    },
    async removeItem(key) {
      await request(['STORAGE_REMOVE', nextRequestId(), key])
    },
    dispose() {
      stop()
      for (const [id, request] of pending) {
        clearTimeout(request.timer)
        request.reject(new Error('The session storage was closed'))
        pending.delete(id)
      }
    },
  }
}
