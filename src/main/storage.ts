/**
 * The UI's session storage (supabase-js auth.storage) kept in figma.clientStorage: answers
 * STORAGE_GET / STORAGE_SET / STORAGE_REMOVE with STORAGE_RESULT under the same request id.
 * Keys are namespaced so the UI can only reach its own entries; values are strings. The plugin
 * serves its UI with it and the widget's code serves its window.
 */
import { emit } from '@create-figma-plugin/utilities'
import type { StorageGetHandler, StorageRemoveHandler, StorageResultHandler, StorageSetHandler } from '../messages.ts'
import { MAX_SESSION_VALUE_CHARS, STORAGE_KEYS } from './config.ts'
import { handle } from './dispatch.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { reportError, type ErrorReporter } from './errors.ts'

const MAX_KEY_CHARS = 200

function checkRequest(requestId: unknown, key: unknown): string | null {
  if (typeof requestId !== 'string' || requestId === '') return 'the request id must be a non-empty string'
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_CHARS) {
    return `the storage key must be a string of 1 to ${MAX_KEY_CHARS} characters`
  }
  return null
}

function answer(requestId: string, value: string | null | undefined, error?: string) {
  if (error === undefined) emit<StorageResultHandler>('STORAGE_RESULT', requestId, value)
  else emit<StorageResultHandler>('STORAGE_RESULT', requestId, value, error)
}

async function respond(requestId: string, key: string, work: () => Promise<string | null | undefined>) {
  const problem = checkRequest(requestId, key)
  if (problem) {
    if (typeof requestId === 'string' && requestId) answer(requestId, undefined, problem)
    else throw new Error(problem)
    return
  }
  try {
    answer(requestId, await work())
  } catch (error) {
    answer(requestId, undefined, errorMessage(error))
  }
}

/** Registers the STORAGE_* handlers; a request without a usable request id goes to `report`. Returns a function that removes them. */
export function serveSessionStorage(report: ErrorReporter = reportError): () => void {
  const offGet = handle<StorageGetHandler>(
    'STORAGE_GET',
    'Could not read the session',
    (requestId, key) =>
      respond(requestId, key, async () => {
        const value: unknown = await figma.clientStorage.getAsync(STORAGE_KEYS.session + key)
        return typeof value === 'string' ? value : null
      }),
    report,
  )

  const offSet = handle<StorageSetHandler>(
    'STORAGE_SET',
    'Could not save the session',
    (requestId, key, value) =>
      respond(requestId, key, async () => {
        if (typeof value !== 'string') throw new Error(`the value for "${key}" must be a string, got ${typeof value}`)
        if (value.length > MAX_SESSION_VALUE_CHARS) {
          throw new Error(`the value for "${key}" has ${value.length} characters; at most ${MAX_SESSION_VALUE_CHARS} are kept`)
        }
        await figma.clientStorage.setAsync(STORAGE_KEYS.session + key, value)
        return undefined
      }),
    report,
  )

  const offRemove = handle<StorageRemoveHandler>(
    'STORAGE_REMOVE',
    'Could not remove the session',
    (requestId, key) =>
      respond(requestId, key, async () => {
        await figma.clientStorage.deleteAsync(STORAGE_KEYS.session + key)
        return undefined
      }),
    report,
  )
  return () => {
    offGet()
    offSet()
    offRemove()
  }
}
