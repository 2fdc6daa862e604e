/**
 * The session survives the plugin being closed: the UI's supabase-js client keeps it in
 * figma.clientStorage through the main thread, and the next run of the plugin restores it
 * without signing in again (against a local stack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { memoryStorageBackend } from '../../local/preview/fake-figma.ts'
import { engines } from '../support/databases.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { createMessageStorage } from '../../src/client/storage.ts'
import { createOpsClient, type OpsClient } from '../../src/client/supabase.ts'
import { startPlugin } from './harness.ts'

describe.each(engines)('the plugin session on %s', (engine) => {
  let stack: TestStack
  const clients: OpsClient[] = []
  beforeAll(async () => {
    stack = await startTestStack(engine)
  })
  afterAll(async () => {
    for (const client of clients) {
      await client.auth.stopAutoRefresh()
      await client.removeAllChannels()
    }
    await stack.stop()
  })

  /** Opens the plugin and makes the UI's client, counting the auth requests it sends. */
  async function openPlugin(storage: ReturnType<typeof memoryStorageBackend>) {
    const plugin = await startPlugin({ storage })
    const authCalls: string[] = []
    const countingFetch: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      if (url.includes('/auth/v1/')) authCalls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`)
      return fetch(input, init)
    }
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, createMessageStorage(plugin.storagePort()), {
      realtimeTransport: WebSocket,
      fetch: countingFetch,
    })
    clients.push(client)
    return { plugin, client, authCalls }
  }

  it('signs in anonymously once; the next plugin run restores the session from clientStorage', async () => {
    const storage = memoryStorageBackend()
    const first = await openPlugin(storage)
    const { data, error } = await first.client.auth.signInAnonymously()
    expect(error).toBeNull()
    const userId = data.user!.id
    expect(first.authCalls).toEqual(['POST /auth/v1/signup'])
    const key = storage.keys().find((k) => k.startsWith('session:sb-'))
    expect(key).toBe('session:sb-127-auth-token')
    expect(JSON.parse(JSON.parse(storage.get(key!)!)).user.id).toBe(userId)
    await first.client.auth.stopAutoRefresh()
    first.plugin.stop()

    const second = await openPlugin(storage)
    const { data: restored } = await second.client.auth.getSession()
    expect(restored.session?.user.id).toBe(userId)
    expect(second.authCalls).toEqual([])
    // The restored session works: RLS sees the same user.
    const { data: run, error: insertError } = await second.client
      .from('runs')
      .insert({ template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'Restored session run' })
      .select('created_by')
      .single()
    expect(insertError).toBeNull()
    expect(run!.created_by).toBe(userId)

    await second.client.auth.signOut()
    expect(storage.get(key!)).toBeUndefined()
  })
})
