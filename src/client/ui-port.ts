/**
 * The plugin iframe's side of the STORAGE_* messages, through create-figma-plugin's emit/on.
 * Browser-only: importing @create-figma-plugin/utilities outside a window wires figma.ui.onmessage.
 *
 *   const client = createOpsClient(settings, createMessageStorage(pluginStoragePort()))
 */
import { emit, on } from '@create-figma-plugin/utilities'
import type { StorageGetHandler, StorageRemoveHandler, StorageResultHandler, StorageSetHandler } from '../messages.ts'
import type { StoragePort } from './storage.ts'

export function pluginStoragePort(): StoragePort {
  return {
    send(message) {
      switch (message[0]) {
        case 'STORAGE_GET':
          return emit<StorageGetHandler>('STORAGE_GET', message[1], message[2])
        case 'STORAGE_SET':
          return emit<StorageSetHandler>('STORAGE_SET', message[1], message[2], message[3])
        case 'STORAGE_REMOVE':
          return emit<StorageRemoveHandler>('STORAGE_REMOVE', message[1], message[2])
      }
    },
    onResult(listener) {
      return on<StorageResultHandler>('STORAGE_RESULT', listener)
    },
  }
}
