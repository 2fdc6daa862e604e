/**
 * figma.clientStorage as the typings (ClientStorageAPI) and the developer docs
 * (developers.figma.com/docs/plugins/api/figma-clientStorage) describe it: asynchronous; values
 * are "objects, arrays, strings, numbers, booleans, null, undefined and Uint8Array", copied in and
 * out (plain-data.ts refuses the rest); each plugin has 5 MB, a pair counting as "the size of the
 * key" plus "the size of the value converted to JSON", a Uint8Array as its length.
 * `setAsync(key, undefined)` stores undefined like any other value (the key stays listed); only
 * deleteAsync removes a key. What the docs leave open, the fake decides strictly: an empty key,
 * NaN and ±Infinity (JSON has no such numbers) are refused.
 */
import { copyPlainData, isUint8Array } from './plain-data.ts'
import { isJsonObject } from '../json-object.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export const CLIENT_STORAGE_QUOTA_BYTES = 5 * 1024 * 1024

/**
 * Where the values are kept, as text per key: the value's JSON when it is plain JSON (so tests
 * and the preview's localStorage read naturally), tagged JSON when it holds undefined or bytes.
 */
export interface ClientStorageBackend {
  keys(): string[]
  get(key: string): string | undefined
  set(key: string, text: string): void
  delete(key: string): void
}

/** A backend in memory, holding `initial` (plain JSON values) to begin with. */
export function memoryStorageBackend(initial: Record<string, unknown> = {}): ClientStorageBackend {
  const values = new Map(Object.entries(initial).map(([key, value]) => [key, encodeStored(value)]))
  return {
    keys: () => [...values.keys()],
    get: (key) => values.get(key),
    set: (key, text) => void values.set(key, text),
    delete: (key) => void values.delete(key),
  }
}

/** Marks what JSON cannot hold; a stored object may not use it as a key. */
const TAG = '\u0000clientStorage'

function encodeStored(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item === undefined) return { [TAG]: 'undefined' }
    if (isUint8Array(item)) return { [TAG]: 'Uint8Array', bytes: Array.from(item) }
    if (typeof item === 'object' && item !== null && Object.prototype.hasOwnProperty.call(item, TAG)) {
      throw new Error('the fake clientStorage cannot store an object with a key of "\\u0000clientStorage"')
    }
    return item
  })
  return text
}

function decodeStored(text: string): unknown {
  const revive = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(revive)
    if (!isJsonObject(item)) return item
    if (item[TAG] === 'undefined') return undefined
    if (item[TAG] === 'Uint8Array' && Array.isArray(item.bytes)) return Uint8Array.from(item.bytes, Number)
    return Object.fromEntries(Object.entries(item).map(([key, field]) => [key, revive(field)]))
  }
  return revive(JSON.parse(text))
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length

/** The quota a pair uses, as the docs approximate it. */
function pairBytes(key: string, value: unknown): number {
  let bytes = utf8Length(key)
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (!isUint8Array(item)) return item
    bytes += item.length
    return undefined
  })
  return bytes + utf8Length(json ?? '')
}

const storable = (value: unknown, key: string) =>
  copyPlainData(value, { what: 'clientStorage.setAsync', root: `the value for "${key}"`, extraTypes: ['Uint8Array'], finiteNumbers: true })

export function createClientStorage(
  backend: ClientStorageBackend,
  quotaBytes: number,
  /** Runs a task later, as Figma answers these calls asynchronously. */
  later: (task: () => void) => void,
) {
  const settle = <T>(what: string, work: () => T): Promise<T> =>
    new Promise((resolve, reject) =>
      later(() => {
        try {
          resolve(work())
        } catch (error) {
          reject(new Error(`clientStorage.${what}: ${errorMessage(error).replace(/^clientStorage\.\w+: /, '')}`))
        }
      }),
    )
  const checkKey = (key: unknown): string => {
    if (typeof key !== 'string' || key === '') throw new Error('the key must be a non-empty string')
    return key
  }
  const read = (key: string): unknown => {
    const text = backend.get(key)
    return text === undefined ? undefined : decodeStored(text)
  }
  const usedBytes = (except: string) =>
    backend
      .keys()
      .filter((key) => key !== except)
      .reduce((sum, key) => sum + pairBytes(key, read(key)), 0)

  return {
    getAsync: (key: string): Promise<unknown> => settle('getAsync', () => read(checkKey(key))),
    setAsync(key: string, value: unknown): Promise<void> {
      // Copied now, as the call hands the value over: a later change by the plugin does not reach storage.
      let copy: unknown
      try {
        copy = storable(value, String(key))
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(errorMessage(error)))
      }
      return settle('setAsync', () => {
        const checked = checkKey(key)
        const size = usedBytes(checked) + pairBytes(checked, copy)
        if (size > quotaBytes) {
          throw new Error(`storing "${checked}" would use ${size} bytes; the plugin's quota is ${quotaBytes} bytes (5 MB)`)
        }
        backend.set(checked, encodeStored(copy))
      })
    },
    deleteAsync: (key: string): Promise<void> => settle('deleteAsync', () => backend.delete(checkKey(key))),
    keysAsync: (): Promise<string[]> => settle('keysAsync', () => backend.keys()),
  }
}
