/**
 * The plugin's Supabase client: schema `ops`, the session kept by the given storage (in the
 * plugin: figma.clientStorage through the main thread), refreshed automatically, and never read
 * from the URL (the iframe has no meaningful URL).
 *
 * It is built from the clients supabase-js itself is made of (auth-js, postgrest-js, realtime-js,
 * functions-js), wired as supabase-js wires them, without the storage client (and its iceberg
 * dependency) that the plugin never uses: the plugin bundle carries only what it calls. Its type
 * is supabase-js's own, narrowed to those parts, so a full supabase-js client fits wherever an
 * OpsClient is expected (the executor's and the tests').
 */
import { AuthClient } from '@supabase/auth-js'
import { FunctionsClient } from '@supabase/functions-js'
import { PostgrestClient } from '@supabase/postgrest-js'
import { RealtimeClient, type RealtimeClientOptions } from '@supabase/realtime-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import type { Settings } from './types.ts'

/** Typed by the generated schema: tables, columns and SQL functions are checked at compile time. */
export type OpsClient = Pick<
  SupabaseClient<Database, 'ops'>,
  'auth' | 'realtime' | 'functions' | 'from' | 'rpc' | 'channel' | 'getChannels' | 'removeChannel' | 'removeAllChannels'
>

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

type RealtimeTransport = NonNullable<RealtimeClientOptions['transport']>

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
  const base = new URL(settings.supabaseUrl.replace(/\/*$/, '/'))
  const key = settings.anonKey
  const headers = { 'X-Client-Info': 'ops-control-room' }
  const auth = new AuthClient({
    url: new URL('auth/v1', base).href,
    headers: { ...headers, Authorization: `Bearer ${key}`, apikey: key },
    // supabase-js's default key, so a session kept by an earlier build is found again.
    storageKey: options.storageKey ?? `sb-${base.hostname.split('.')[0]}-auth-token`,
    storage,
    persistSession: true,
    autoRefreshToken: true,
    detectSessionInUrl: false,
    flowType: 'implicit',
    fetch: options.fetch,
  })
  const accessToken = async (): Promise<string> => (await auth.getSession()).data.session?.access_token ?? key
  const baseFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  // Every REST, realtime and functions request carries the key and the signed-in user's token.
  const authedFetch: typeof fetch = async (input, init) => {
    const token = await accessToken()
    const requestHeaders = new Headers(init?.headers)
    if (!requestHeaders.has('apikey')) requestHeaders.set('apikey', key)
    if (!requestHeaders.has('Authorization')) requestHeaders.set('Authorization', `Bearer ${token}`)
    return baseFetch(input, { ...init, headers: requestHeaders })
  }
  const realtimeUrl = new URL('realtime/v1', base)
  realtimeUrl.protocol = realtimeUrl.protocol.replace('http', 'ws')
  const realtime = new RealtimeClient(realtimeUrl.href, {
    headers,
    accessToken,
    fetch: authedFetch,
    params: { apikey: key },
    ...(transport ? { transport } : {}),
    // After a drop, try the socket again within two seconds (realtime-js backs off to 10 s), so
    // live logs come back as soon as the project does; channels rejoin when it opens.
    reconnectAfterMs: (tries: number) => RECONNECT_AFTER_MS[tries - 1] ?? 2000,
  })
  const rest = new PostgrestClient<Database, { PostgrestVersion: '12' }, 'ops'>(new URL('rest/v1', base).href, {
    headers,
    schema: 'ops',
    fetch: authedFetch,
  })
  const functionsUrl = new URL('functions/v1', base).href

  // As supabase-js does: realtime follows the session (a new token on sign-in and refresh, none after sign-out).
  let realtimeToken: string | undefined
  auth.onAuthStateChange((event, session) => {
    if ((event === 'TOKEN_REFRESHED' || event === 'SIGNED_IN') && realtimeToken !== session?.access_token) {
      realtimeToken = session?.access_token
      void realtime.setAuth(realtimeToken)
    } else if (event === 'SIGNED_OUT') {
      void realtime.setAuth()
      realtimeToken = undefined
    }
  })

  // The same calls supabase-js forwards to.
  const client: OpsClient = {
    auth,
    realtime,
    get functions() {
      return new FunctionsClient(functionsUrl, { headers, customFetch: authedFetch })
    },
    from: rest.from.bind(rest),
    rpc: rest.rpc.bind(rest),
    channel: realtime.channel.bind(realtime),
    getChannels: realtime.getChannels.bind(realtime),
    removeChannel: realtime.removeChannel.bind(realtime),
    removeAllChannels: realtime.removeAllChannels.bind(realtime),
  }
  return client
}
