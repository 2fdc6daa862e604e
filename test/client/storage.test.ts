/**
 * The supabase-js storage adapter over STORAGE_* messages, against a fake main thread: request
 * ids pair answers with requests, answers may come in any order, failures and silence reject with
 * a message that says what happened.
 */
import { describe, expect, it } from 'vitest'
import { createMessageStorage, type StoragePort } from '../../src/client/storage.ts'

type Message = Parameters<StoragePort['send']>[0]

/** A main thread that keeps values in a Map and answers after `delay` (or never, or with an error). */
function fakeMainThread(behaviour: { delay?: (message: Message) => number; fail?: string; silent?: boolean } = {}) {
  const values = new Map<string, string>()
  const listeners = new Set<(id: string, value: string | null | undefined, error?: string) => void>()
  const sent: Message[] = []
  const port: StoragePort = {
    send(message) {
      sent.push(message)
      if (behaviour.silent) return
      const answer = (value: string | null | undefined, error?: string) =>
        setTimeout(() => listeners.forEach((l) => l(message[1], value, error)), behaviour.delay?.(message) ?? 0)
      if (behaviour.fail) return answer(undefined, behaviour.fail)
      if (message[0] === 'STORAGE_GET') return answer(values.get(message[2]) ?? null)
      if (message[0] === 'STORAGE_SET') values.set(message[2], message[3])
      if (message[0] === 'STORAGE_REMOVE') values.delete(message[2])
      answer(undefined)
    },
    onResult(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return { port, values, sent, listeners }
}

describe('message storage', () => {
  it('round-trips values through the main thread', async () => {
    const main = fakeMainThread()
    const storage = createMessageStorage(main.port)
    expect(await storage.getItem('sb-x-auth-token')).toBeNull()
    await storage.setItem('sb-x-auth-token', '{"a":1}')
    expect(main.values.get('sb-x-auth-token')).toBe('{"a":1}')
    expect(await storage.getItem('sb-x-auth-token')).toBe('{"a":1}')
    await storage.removeItem('sb-x-auth-token')
    expect(await storage.getItem('sb-x-auth-token')).toBeNull()
    expect(main.sent.map((m) => m[0])).toEqual(['STORAGE_GET', 'STORAGE_SET', 'STORAGE_GET', 'STORAGE_REMOVE', 'STORAGE_GET'])
    expect(new Set(main.sent.map((m) => m[1])).size).toBe(5)
  })

  it('pairs answers that come back out of order with their requests', async () => {
    const main = fakeMainThread({ delay: (m) => (m[2] === 'slow' ? 30 : 0) })
    main.values.set('slow', 'S')
    main.values.set('fast', 'F')
    const storage = createMessageStorage(main.port)
    expect(await Promise.all([storage.getItem('slow'), storage.getItem('fast')])).toEqual(['S', 'F'])
  })

  it('ignores answers meant for another adapter', async () => {
    const main = fakeMainThread()
    main.values.set('k', 'v')
    const a = createMessageStorage(main.port)
    const b = createMessageStorage(main.port)
    expect(await Promise.all([a.getItem('k'), b.getItem('k')])).toEqual(['v', 'v'])
    expect(main.sent[0][1]).not.toBe(main.sent[1][1])
  })

  it('rejects with the main thread’s error', async () => {
    const storage = createMessageStorage(fakeMainThread({ fail: 'quota exceeded' }).port)
    await expect(storage.setItem('k', 'v')).rejects.toThrow('Session storage failed in the plugin main thread: quota exceeded')
  })

  it('rejects clearly when the main thread does not answer', async () => {
    const storage = createMessageStorage(fakeMainThread({ silent: true }).port, { timeoutMs: 50 })
    await expect(storage.getItem('sb-x-auth-token')).rejects.toThrow(
      'The plugin main thread did not answer STORAGE_GET for "sb-x-auth-token" within 50 ms, so the session could not be read. Close and reopen the plugin.',
    )
    await expect(storage.setItem('k', 'v')).rejects.toThrow(/so the session could not be saved/)
  })

  it('rejects when the message cannot be sent, and stops listening when disposed', async () => {
    const main = fakeMainThread({ silent: true })
    const broken = createMessageStorage({
      ...main.port,
      send: () => {
        throw new Error('no parent window')
      },
    })
    await expect(broken.getItem('k')).rejects.toThrow('Could not send STORAGE_GET to the plugin main thread: no parent window')
    const storage = createMessageStorage(main.port)
    const pending = storage.getItem('k')
    storage.dispose()
    await expect(pending).rejects.toThrow('The session storage was closed')
    expect(main.listeners.size).toBe(1) // only `broken` still listens
  })
})
