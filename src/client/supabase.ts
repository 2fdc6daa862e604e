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

const RECONNECT_AFTER_MS = [500, 1000, 2000]

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
    // After a drop, try the socket again within two seconds (realtime-js backs off to 10 s), so
    // live logs come back as soon as the project does; channels rejoin when it opens.
    realtime: { ...(transport ? { transport } : {}), reconnectAfterMs: (tries: number) => RECONNECT_AFTER_MS[tries - 1] ?? 2000 },
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
  })
}
