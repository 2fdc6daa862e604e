/**
 * Is the Supabase project reachable? Checks the HTTP API (auth health with the anon key, and that
 * the ops schema is exposed) and the realtime socket (a Phoenix heartbeat answered), and says in
 * one sentence what is wrong and what to do: the text of the UI's red banner. Every request of a
 * check succeeds on a healthy project, signed in or not, so a check never puts a failed request in
 * the console.
 *
 * The monitor keeps the banner true within seconds either way: while the project is up it holds
 * one realtime socket open and checks again the moment that socket closes or stops answering its
 * heartbeat; while it is down it checks every second or two until it is back (and at once on
 * retry()).
 */
import type { ConnectionState, Settings } from './types.ts'
import { isLocalUrl } from './settings.ts'
import { isRecord } from '../is-record.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

/** The part of the WebSocket API the check uses (the browser's, or the `ws` package in Node). */
interface SocketLike {
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onerror: ((event: unknown) => void) | null
  onclose: ((event: { code?: number; reason?: string }) => void) | null
  send(data: string): void
  close(): void
}
type SocketConstructor = new (url: string) => SocketLike

/** A WebSocket class handed in (or the global one): a constructor is all that can be checked before use. */
function isSocketConstructor(value: unknown): value is SocketConstructor {
  return typeof value === 'function'
}

export interface ConnectionCheckOptions {
  fetch?: typeof fetch
  /** Default: the global WebSocket. */
  WebSocket?: unknown
  /** Per check (default 8 s). */
  timeoutMs?: number
}

export async function checkConnection(settings: Settings, options: ConnectionCheckOptions = {}): Promise<ConnectionState> {
  const rest = await checkHttp(settings, options)
  if (rest) return { status: 'down', reason: rest, failed: 'rest', checkedAt: Date.now() }
  const realtime = await checkRealtime(settings, options)
  if (realtime) return { status: 'down', reason: realtime, failed: 'realtime', checkedAt: Date.now() }
  return { status: 'ok', reason: null, failed: null, checkedAt: Date.now() }
}

function hostOf(settings: Settings): string {
  try {
    return new URL(settings.supabaseUrl).host
  } catch {
    return settings.supabaseUrl
  }
}

async function withTimeout<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    return await run(controller.signal)
  } finally {
    clearTimeout(timer)
  }
}

/** Null when the HTTP API answers and takes the key; otherwise the reason. */
async function checkHttp(settings: Settings, options: ConnectionCheckOptions): Promise<string | null> {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 8000
  const host = hostOf(settings)
  // A JWT anon key also goes as the bearer token; a publishable key (sb_publishable_…) only as apikey.
  const headers: Record<string, string> = settings.anonKey.startsWith('eyJ')
    ? { apikey: settings.anonKey, authorization: `Bearer ${settings.anonKey}` }
    : { apikey: settings.anonKey }
  let response: Response
  try {
    response = await withTimeout(timeoutMs, (signal) => doFetch(`${settings.supabaseUrl}/auth/v1/health`, { headers, signal }))
  } catch (error) {
    const timedOut = typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError'
    const local = isLocalUrl(settings.supabaseUrl)
    return (
      `Cannot reach ${host}${timedOut ? ` (no answer within ${Math.round(timeoutMs / 1000)} s)` : ''}. ` +
      (local ? 'Is the local stack running? Start it with npm start.' : 'Check your internet connection and the project URL in Settings.')
    )
  }
  if (response.status === 401 || response.status === 403) {
    return `${host} refused the plugin’s key (HTTP ${response.status}${await detailOf(response)}). Paste the project’s publishable key in Settings.`
  }
  if (response.status === 404) {
    return `${host} does not look like a Supabase project (no /auth/v1 there). Check the project URL in Settings.`
  }
  if (response.status >= 500) {
    return `${host} is having problems (HTTP ${response.status}${await detailOf(response)}). Retrying…`
  }
  // The schema must be exposed by the API and the migrations applied: a function that answers
  // anyone with the anon key says so (a table would answer anon with 401, a failed request).
  let schema: Response
  try {
    schema = await withTimeout(timeoutMs, (signal) =>
      doFetch(`${settings.supabaseUrl}/rest/v1/rpc/api_ready`, {
        headers: { ...headers, 'accept-profile': 'ops' },
        signal,
      }),
    )
  } catch {
    return `${host} answered, but its REST API did not. Retrying…`
  }
  if (schema.status === 401 || schema.status === 403) {
    const body = await bodyOf(schema)
    const why = typeof body.message === 'string' ? body.message : typeof body.code === 'string' ? body.code : `HTTP ${schema.status}`
    return `${host} refused the plugin’s key (${why}). Paste the project’s publishable key in Settings.`
  }
  if (schema.status === 406) {
    return `${host} does not serve the ops schema. Add "ops" under Project Settings → API → Exposed schemas, and apply the migrations.`
  }
  if (schema.status === 404) {
    return `${host} does not have this version's ops schema. Apply the migrations (supabase db push).`
  }
  if (schema.status >= 500) {
    return `${host}'s REST API is having problems (HTTP ${schema.status}). Retrying…`
  }
  return null
}

/** A JSON error body's fields (PostgREST: code, message), or none when the body is not a JSON object. */
async function bodyOf(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json()
    return isRecord(body) ? body : {}
  } catch {
    return {}
  }
}

/** `: <the server's message>` for an error response, or nothing when it gave none. */
async function detailOf(response: Response): Promise<string> {
  try {
    const text = await response.text()
    try {
      const body: unknown = JSON.parse(text)
      const message = isRecord(body) ? (body.message ?? body.msg ?? body.error) : undefined
      return typeof message === 'string' && message ? `: ${message}` : ''
    } catch {
      return text && text.length < 200 ? `: ${text}` : ''
    }
  } catch {
    return ''
  }
}

/** Null when the realtime socket opens and answers a heartbeat; otherwise the reason. */
function checkRealtime(settings: Settings, options: ConnectionCheckOptions): Promise<string | null> {
  const Socket: unknown = options.WebSocket ?? globalThis.WebSocket
  const host = hostOf(settings)
  const unavailable = (why: string) =>
    `Live logs are unavailable: the realtime service at ${host} ${why}. Runs still work; the log refreshes every few seconds until it is back.`
  if (!isSocketConstructor(Socket)) return Promise.resolve(unavailable('cannot be reached from here (no WebSocket)'))
  const timeoutMs = options.timeoutMs ?? 8000
  const url = `${settings.supabaseUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${encodeURIComponent(settings.anonKey)}&vsn=2.0.0`
  return new Promise((resolve) => {
    let settled = false
    let socket: SocketLike
    const finish = (reason: string | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      try {
        socket.close()
      } catch {
        // already closed
      }
      resolve(reason)
    }
    const timer = setTimeout(() => finish(unavailable(`did not answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
    try {
      socket = new Socket(url)
    } catch (error) {
      clearTimeout(timer)
      resolve(unavailable(`refused the connection (${errorMessage(error)})`))
      return
    }
    socket.onopen = () => socket.send(JSON.stringify([null, 'check', 'phoenix', 'heartbeat', {}]))
    socket.onmessage = (event) => {
      try {
        const message: unknown = JSON.parse(String(event.data))
        if (Array.isArray(message) && message[1] === 'check' && message[3] === 'phx_reply') finish(null)
      } catch {
        // not ours
      }
    }
    socket.onerror = () => finish(unavailable('could not be reached'))
    socket.onclose = (event) => finish(unavailable(`closed the connection${event?.reason ? ` (${event.reason})` : ''}`))
  })
}

export interface ConnectionMonitor {
  readonly state: ConnectionState
  /** Calls the listener now and on every change; returns the unsubscribe function. */
  subscribe(listener: (state: ConnectionState) => void): () => void
  /** Checks again now (the banner's Retry button). */
  retry(): Promise<ConnectionState>
  close(): void
}

export interface ConnectionMonitorOptions extends ConnectionCheckOptions {
  /** Re-check delays while down, the last repeating (default 1 s, then every 2 s). */
  retryDelaysMs?: number[]
  /** Full re-check interval while up (default 60 s; 0 turns it off). */
  healthyIntervalMs?: number
  /**
   * While up, a realtime socket is held open and a heartbeat sent on it this often (default 10 s);
   * its close, or a heartbeat unanswered by the next one, starts a check at once. 0 turns it off.
   */
  watchHeartbeatMs?: number
}

export function createConnectionMonitor(settings: Settings, options: ConnectionMonitorOptions = {}): ConnectionMonitor {
  const delays = options.retryDelaysMs?.length ? options.retryDelaysMs : [1000, 2000]
  const healthyIntervalMs = options.healthyIntervalMs ?? 60_000
  const watchHeartbeatMs = options.watchHeartbeatMs ?? 10_000
  let state: ConnectionState = { status: 'checking', reason: null, failed: null, checkedAt: null }
  const listeners = new Set<(state: ConnectionState) => void>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let failures = 0
  let closed = false
  let running: Promise<ConnectionState> | null = null
  let watch: { stop(): void } | null = null

  function set(next: ConnectionState) {
    state = next
    for (const listener of [...listeners]) listener(state)
  }

  function schedule() {
    if (closed) return
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    const delay = state.status === 'ok' ? healthyIntervalMs : delays[Math.min(failures - 1, delays.length - 1)]
    if (!delay) return
    timer = setTimeout(() => void check(), delay)
  }

  function check(): Promise<ConnectionState> {
    if (running) return running
    running = (async () => {
      const result = await checkConnection(settings, options)
      running = null
      if (closed) return result
      failures = result.status === 'ok' ? 0 : failures + 1
      set(result)
      if (result.status === 'ok') startWatch()
      else stopWatch()
      schedule()
      return result
    })()
    return running
  }

  function startWatch() {
    if (watch !== null || watchHeartbeatMs <= 0) return
    const started = watchSocket(settings, options, watchHeartbeatMs, () => {
      if (watch !== started) return
      watch = null
      // The socket closed or stopped answering: find out what is down now, not in a minute.
      if (!closed) void check()
    })
    watch = started
  }

  function stopWatch() {
    const current = watch
    watch = null
    current?.stop()
  }

  void check()

  return {
    get state() {
      return state
    },
    subscribe(listener) {
      listeners.add(listener)
      listener(state)
      return () => {
        listeners.delete(listener)
      }
    },
    retry() {
      if (state.status !== 'ok') set({ ...state, status: 'checking' })
      // A check already under way began before the user asked: its answer may be stale.
      return running ? running.then(() => check()) : check()
    },
    close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      stopWatch()
      listeners.clear()
    },
  }
}

/**
 * A realtime socket held open to notice the project going away: `onLost` is called once, when the
 * socket closes or errs, or a heartbeat is still unanswered when the next is due.
 */
function watchSocket(settings: Settings, options: ConnectionCheckOptions, heartbeatMs: number, onLost: () => void): { stop(): void } {
  const Socket: unknown = options.WebSocket ?? globalThis.WebSocket
  let done = false
  let socket: SocketLike | null = null
  // Set once the socket exists; finish() may run before (a constructor that threw).
  const timer: { beat?: ReturnType<typeof setInterval> } = {}
  const finish = (lost: boolean) => {
    if (done) return
    done = true
    if (timer.beat !== undefined) clearInterval(timer.beat)
    if (socket !== null) {
      // Closing a socket still connecting reports an error: heard here, and ignored.
      socket.onclose = () => {}
      socket.onerror = () => {}
      socket.onmessage = null
      try {
        socket.close()
      } catch {
        // already closed
      }
    }
    if (lost) onLost()
  }
  if (!isSocketConstructor(Socket)) return { stop: () => finish(false) }
  const url = `${settings.supabaseUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${encodeURIComponent(settings.anonKey)}&vsn=2.0.0`
  let ref = 0
  let awaiting: string | null = null
  try {
    socket = new Socket(url)
  } catch {
    setTimeout(() => finish(true), 0)
    return { stop: () => finish(false) }
  }
  const open = socket
  let opened = false
  open.onopen = () => {
    opened = true
  }
  timer.beat = setInterval(() => {
    if (!opened || awaiting !== null) {
      finish(true)
      return
    }
    awaiting = `watch-${++ref}`
    try {
      open.send(JSON.stringify([null, awaiting, 'phoenix', 'heartbeat', {}]))
    } catch {
      finish(true)
    }
  }, heartbeatMs)
  open.onmessage = (event) => {
    try {
      const message: unknown = JSON.parse(String(event.data))
      if (Array.isArray(message) && message[1] === awaiting && message[3] === 'phx_reply') awaiting = null
    } catch {
      // not ours
    }
  }
  open.onerror = () => finish(true)
  open.onclose = () => finish(true)
  return { stop: () => finish(false) }
}
