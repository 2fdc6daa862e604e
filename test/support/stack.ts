/** A local stack per test file, and supabase-js clients pointed at it. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import type { OpsClient } from '../../src/client/supabase.ts'
import { loadConfig, type StackConfig } from '../../local/config.ts'
import { startStack, type Stack, type StackOptions } from '../../local/stack.ts'
import { parseKeyMode } from '../../local/api-keys.ts'
import { migratedDatabase, type Engine, type TestDatabase } from './databases.ts'

/** The plugin's client type, which full supabase-js clients (these) fit too. */
export type { OpsClient }

/** An unmodified supabase-js client on the `ops` schema. */
type SupabaseOpsClient = SupabaseClient<Database, 'ops'>

/** An unmodified supabase-js client on the `ops` schema, as the plugin and executor make it. */
export function opsClient(url: string, key: string): SupabaseOpsClient {
  return createClient<Database, 'ops'>(url, key, {
    db: { schema: 'ops' },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  })
}

/** supabase-js `auth.storage` in memory; `entries()` hands the saved session to a browser page. */
export function memoryStorage() {
  const values = new Map<string, string>()
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
    entries: () => Object.fromEntries(values),
  }
}

/** A client on the `ops` schema whose session (once signed in) is kept in `storage`. */
export function sessionClient(url: string, key: string, storage: ReturnType<typeof memoryStorage>): SupabaseOpsClient {
  return createClient<Database, 'ops'>(url, key, {
    db: { schema: 'ops' },
    auth: { persistSession: true, autoRefreshToken: false, detectSessionInUrl: false, storage },
    realtime: { transport: WebSocket as never },
  })
}

export interface TestStack extends Stack {
  test: TestDatabase
  /** A supabase-js client on the `ops` schema with the anon key (or the given key). */
  client(key?: string): SupabaseOpsClient
  /** A client signed in as a new anonymous user. */
  anonymousUser(): Promise<{ client: SupabaseOpsClient; userId: string; accessToken: string }>
  stop(): Promise<void>
}

export async function startTestStack(
  engine: Engine,
  options: Partial<Omit<StackOptions, 'db'>> & { configure?: (config: StackConfig) => StackConfig } = {},
): Promise<TestStack> {
  const test = await migratedDatabase(engine)
  const config = options.configure ? options.configure(await loadConfig()) : options.config
  // OPS_TEST_KEYS=legacy runs a suite against a stack with the legacy JWT keys (local/api-keys.ts);
  // without it the stack has the new keys, as a project created today.
  const keys = options.keys ?? (process.env.OPS_TEST_KEYS ? parseKeyMode(process.env.OPS_TEST_KEYS, 'OPS_TEST_KEYS') : undefined)
  // Unit suites call functions in-process; the end-to-end and reliability suites ask for Deno workers.
  const functionsRuntime = options.functionsRuntime ?? 'node'
  const stack = await startStack({ ...options, keys, config, functionsRuntime, db: test.db, port: options.port ?? 0 })
  const clients: SupabaseOpsClient[] = []
  const client = (key = stack.anonKey) => {
    const made = opsClient(stack.url, key)
    clients.push(made)
    return made
  }
  return {
    ...stack,
    test,
    client,
    async anonymousUser() {
      const made = client()
      const { data, error } = await made.auth.signInAnonymously()
      if (error || !data.session || !data.user) throw error ?? new Error('no session')
      return { client: made, userId: data.user.id, accessToken: data.session.access_token }
    },
    async stop() {
      await Promise.all(
        clients.map(async (c) => {
          await c.removeAllChannels()
          await c.realtime.disconnect()
        }),
      )
      await stack.close()
      await test.drop()
    },
  }
}
