/**
 * The plugin's supabase-js client: schema `ops`, the session kept by the given storage (in the
 * plugin: figma.clientStorage through the main thread), refreshed automatically, and never read
 * from the URL (the iframe has no meaningful URL).
 */
import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import type { Settings } from './types.ts'

/** Typed by the generated schema: tables, columns and SQL functions are checked at compile time. */
export type OpsClient = SupabaseClient<Database, 'ops'>

/** What supabase-js needs from a session store; each method may return a promise. */
export interface SessionStorage {
  getItem(key: string): string | null | Promise<string | null>
  setItem(key: string, value: string): void | Promise<void>
  removeItem(key: string): void | Promise<void>
}

export interface OpsClientOptions {
  /** A WebSocket class for realtime where there is no global one (Node 20: the `ws` package). */
  realtimeTransport?: unknown
  /** Where the session is kept in the storage (default: supabase-js's sb-<host>-auth-token). */
  storageKey?: string
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'ops'>['realtime']>['transport']>

/**
 * A WebSocket class handed in. realtime-js declares a narrower constructor than real classes have
 * (the `ws` package's takes a URL object too), so being a class is all that can be checked.
 */
function isRealtimeTransport(value: unknown): value is RealtimeTransport {
  return typeof value === 'function'
}

export function createOpsClient(settings: Settings, storage: SessionStorage, options: OpsClientOptions = {}): OpsClient {
  const transport = options.realtimeTransport
  if (transport !== undefined && !isRealtimeTransport(transport)) throw new Error('realtimeTransport must be a WebSocket class')
  return createClient<Database, 'ops'>(settings.supabaseUrl, settings.anonKey, {
    db: { schema: 'ops' },
    auth: {
      storage,
      persistSession: true,
      autoRefreshToken: true,
      detectSessionInUrl: false,
      ...(options.storageKey ? { storageKey: options.storageKey } : {}),
    },
    ...(transport ? { realtime: { transport } } : {}),
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
  })
}
