/**
 * The local Supabase-compatible stack: one HTTP server that speaks the subset of Auth, PostgREST,
 * Realtime and Functions this project uses, over PGlite or a real Postgres, so the unmodified
 * supabase-js client talks to it as it talks to hosted Supabase.
 */
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Database } from './db/database.ts'
import { applyLocalSettings } from './db/local-settings.ts'
import { loadConfig, PROJECT_ROOT, type StackConfig } from './config.ts'
import type { StackContext } from './context.ts'
import { admitApiKey, DEFAULT_KEY_MODE, stackKeys, tokenVerifier, type KeyMode } from './api-keys.ts'
import { CORS_HEADERS, sendEmpty, sendJson } from './http/respond.ts'
import { createAuthRoutes } from './auth/routes.ts'
import { createRestRoutes } from './rest/handler.ts'
import { createFunctionHost, type FunctionsRuntime } from './functions/host.ts'
import { HOSTED_LIMITS, type FunctionLogLine, type WorkerLimits, type WorkerRecord } from './functions/worker-pool.ts'
import { startDrain } from './functions/drain.ts'
import { attachRealtime, type RealtimeStats } from './realtime/server.ts'
import { listen } from './http/listen.ts'
import { errorMessage } from '../supabase/functions/_shared/error-message.ts'
import { EGRESS_ALLOW_SETTING, parseEgressAllow } from '../supabase/functions/_shared/executor/egress-policy.ts'

export const DEFAULT_PORT = 54321

export interface StackOptions {
  db: Database
  port?: number
  host?: string
  config?: StackConfig
  functionsDir?: string
  /** Largest request body in bytes (REST, auth and functions); default 4 MiB. */
  bodyLimit?: number
  /** Per-socket realtime send buffer before a slow consumer is disconnected. */
  realtimeBufferBytes?: number
  /** The project's cap on realtime messages per second (hosted Free 100, Pro 500); default none. */
  realtimeMessagesPerSecond?: number
  /** How often to invoke ops-executor for waiting runs, as pg_cron would; 0 (default) is off. */
  drainIntervalMs?: number
  /**
   * Which generation of API keys the stack hands out and accepts (local/api-keys.ts): `new`
   * (default, as a project created today) publishable and secret keys, legacy keys off; `legacy`
   * the anon/service_role JWTs of an older project.
   */
  keys?: KeyMode
  /** More OPS_EGRESS_ALLOW entries for the functions (host:port, or a URL whose host:port is taken). */
  egressAllow?: readonly string[]
  /**
   * How Edge Functions run: `deno` (default) in Deno worker processes with the hosted limits,
   * `node` in this process without limits (for unit tests).
   */
  functionsRuntime?: FunctionsRuntime
  /** The Deno workers' limits; each defaults to the hosted Free plan's (worker-pool.ts). */
  functionLimits?: Partial<WorkerLimits>
  /** More variables for the functions' environment, as `supabase secrets set` adds them. */
  functionEnv?: Record<string, string>
}

export interface Stack {
  url: string
  port: number
  /** The key a browser client uses: the publishable key, or the legacy anon JWT in `legacy` mode. */
  anonKey: string
  /** The key a server uses: the secret key, or the legacy service_role JWT in `legacy` mode. */
  serviceRoleKey: string
  keyMode: KeyMode
  db: Database
  server: Server
  /**
   * The functions' OPS_EGRESS_ALLOW: the one from the environment of `npm start`, the stack's
   * own host:port (so templates can call the stack itself), and any entries added since.
   */
  egressAllow(): string
  /** Lets the functions' requests reach more hosts (host:port, or a URL whose host:port is taken). */
  allowEgress(...entries: string[]): void
  /** Realtime's sockets, channels and send buffers, for tests and benchmarks. */
  realtimeStats(): RealtimeStats
  /** The functions' Deno workers so far (none when they run in-process), for tests and benchmarks. */
  functionWorkers(): WorkerRecord[]
  /** The functions' log lines so far (Deno workers only). */
  functionLogs(): FunctionLogLine[]
  /** Changes the Deno workers' limits from now on (the CPU limits also for running workers). */
  setFunctionLimits(limits: Partial<WorkerLimits>): void
  /** Retires every Deno worker (`termination`): the next request starts a fresh one. */
  recycleFunctionWorkers(): void
  close(): Promise<void>
}

class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(
      `port ${port} on ${host} is already in use (another local stack or \`supabase start\`?). Stop it, or choose another port with --port.`,
    )
  }
}

/** An OPS_EGRESS_ALLOW entry for `entry`: a URL becomes its host:port, anything else is kept as written. */
export function egressEntry(entry: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return entry
  const url = new URL(entry)
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1'
  const config = options.config ?? (await loadConfig())
  const server = createServer()
  const port = await listen(server, options.port ?? DEFAULT_PORT, host, (p, h) => new PortInUseError(p, h))
  const url = `http://${host}:${port}`
  const context: StackContext = {
    db: options.db,
    config,
    url,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    keyMode: options.keys ?? DEFAULT_KEY_MODE,
  }
  await applyLocalSettings(options.db)

  // Functions read these as they do on the hosted platform. The executor's address policy refuses
  // loopback, so the stack lets its functions reach the stack itself (its host:port, nothing else).
  const egress = [process.env[EGRESS_ALLOW_SETTING], new URL(url).host, ...(options.egressAllow ?? []).map(egressEntry)]
  const egressAllow = () => egress.filter((entry) => entry !== undefined && entry.trim() !== '').join(',')
  try {
    parseEgressAllow(egressAllow())
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    throw error
  }
  const keys = stackKeys(options.keys ?? DEFAULT_KEY_MODE)
  // Both generations' variables are set (or cleared), so a stack never inherits the other's keys.
  const env: Record<string, string | undefined> = {
    SUPABASE_URL: url,
    SUPABASE_ANON_KEY: undefined,
    SUPABASE_SERVICE_ROLE_KEY: undefined,
    SUPABASE_PUBLISHABLE_KEYS: undefined,
    SUPABASE_SECRET_KEYS: undefined,
    SUPABASE_JWKS: undefined,
    ...keys.functionEnv,
    [EGRESS_ALLOW_SETTING]: egressAllow(),
  }
  const previousEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]))
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }

  const auth = createAuthRoutes(context)
  const rest = createRestRoutes(context)
  // What a Deno worker's environment holds on top of the process's: the stack's, the current egress
  // list, the given secrets, and the wall clock the executor budgets by when it is not the hosted default.
  const wallClockMs = options.functionLimits?.wallClockMs
  const functionEnv = () => ({
    ...env,
    [EGRESS_ALLOW_SETTING]: egressAllow(),
    ...(wallClockMs !== undefined && wallClockMs !== HOSTED_LIMITS.wallClockMs
      ? { OPS_EXECUTOR_WALL_CLOCK_SECONDS: String(wallClockMs / 1000) }
      : {}),
    ...options.functionEnv,
  })
  if (options.functionsRuntime === 'node') {
    for (const [key, value] of Object.entries(options.functionEnv ?? {})) {
      if (!(key in previousEnv)) previousEnv[key] = process.env[key]
      process.env[key] = value
    }
  }
  const functions = createFunctionHost(context, options.functionsDir ?? join(PROJECT_ROOT, 'supabase', 'functions'), {
    runtime: options.functionsRuntime,
    env: functionEnv,
    limits: options.functionLimits,
  })
  const realtime = await attachRealtime(server, {
    db: options.db,
    verify: tokenVerifier(keys.mode),
    maxBufferedBytes: options.realtimeBufferBytes,
    maxMessagesPerSecond: options.realtimeMessagesPerSecond,
  })

  const stopDrain = options.drainIntervalMs
    ? startDrain({
        db: options.db,
        url,
        serviceRoleKey: keys.serviceRoleKey,
        intervalMs: options.drainIntervalMs,
        onError: (message) => console.error(`[stack] ${message}`),
      })
    : async () => {}

  server.on('request', (req, res) => {
    const parsed = new URL(req.url ?? '/', url)
    const path = parsed.pathname
    if (req.method === 'OPTIONS' && !path.startsWith('/functions/v1/')) {
      return sendEmpty(res, 204, CORS_HEADERS)
    }
    // The part of the path after a service's prefix, or undefined when the path is elsewhere.
    const under = (prefix: string) => (path === prefix || path.startsWith(`${prefix}/`) ? path.slice(prefix.length) || '/' : undefined)
    const handled = (async () => {
      if (path === '/health') return sendJson(res, 200, { status: 'ok', database: options.db.kind })
      if (under('/auth/v1') !== undefined || under('/rest/v1') !== undefined) {
        const admitted = admitApiKey(req, keys.mode)
        if (!admitted.ok) return sendJson(res, admitted.status, { message: admitted.message })
      }
      const authPath = under('/auth/v1')
      if (authPath !== undefined) return auth(req, res, authPath, parsed.searchParams)
      const restPath = under('/rest/v1')
      if (restPath !== undefined) return rest(req, res, restPath, parsed.searchParams)
      const functionPath = under('/functions/v1')
      if (functionPath !== undefined) return functions.handle(req, res, functionPath, parsed.search)
      return sendJson(res, 404, { message: `no route for ${req.method} ${path}` })
    })()
    handled.catch((error) => {
      console.error(`[stack] ${req.method} ${path} failed:`, error)
      if (!res.headersSent) sendJson(res, 500, { message: errorMessage(error) })
      else res.destroy()
    })
  })

  let closed = false
  return {
    url,
    port,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    keyMode: keys.mode,
    db: options.db,
    server,
    egressAllow,
    allowEgress(...entries) {
      const added = entries.map(egressEntry)
      parseEgressAllow(added.join(','))
      egress.push(...added)
      process.env[EGRESS_ALLOW_SETTING] = egressAllow()
      // Workers read their environment when they start: the next request gets a fresh one.
      functions.recycle('termination')
    },
    realtimeStats: () => realtime.stats(),
    functionWorkers: () => functions.workers(),
    functionLogs: () => functions.logs(),
    setFunctionLimits: (limits) => functions.setLimits(limits),
    recycleFunctionWorkers: () => functions.recycle('termination'),
    async close() {
      if (closed) return
      closed = true
      await stopDrain()
      await realtime.close()
      await functions.shutdown()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      for (const [key, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    },
  }
}
