/**
 * /functions/v1/<name>: runs the Edge Functions under supabase/functions. The host plays the hosted
 * gateway: it checks the JWT when config.toml says verify_jwt and hands the function the request.
 *
 * Two runtimes: `deno` (the default, used by `npm start` and the end-to-end suites) runs each
 * function's own Deno entry in worker processes with the hosted limits (worker-pool.ts); `node`
 * imports the entry into this process and calls its exported `handler(req)`, keeping work
 * registered with EdgeRuntime.waitUntil alive (for unit tests that need no worker).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import type { StackContext } from '../context.ts'
import { verifyJwt } from '../jwt.ts'
import { BodyTooLarge, CORS_HEADERS, readBody, requestToken, sendJson } from '../http/respond.ts'
import WebSocket from 'ws'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import {
  createWorkerPool,
  WorkerFailure,
  type FunctionLogLine,
  type WorkerEndReason,
  type WorkerLimits,
  type WorkerRecord,
} from './worker-pool.ts'

type FunctionHandler = (req: Request) => Promise<Response>

interface FunctionModule {
  handler: FunctionHandler
  /** Optional: asks the function to wrap up work in progress (Supabase sends 'beforeunload'). */
  onShutdown?: (reason?: string) => void
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/

export type FunctionsRuntime = 'deno' | 'node'

export interface FunctionHost {
  handle(req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void>
  /** Tells loaded functions the runtime is stopping, then waits for their background work. */
  shutdown(): Promise<void>
  /** The Deno workers started so far (none under `node`). */
  workers(): WorkerRecord[]
  /** The functions' log lines so far (Deno workers only). */
  logs(): FunctionLogLine[]
  /** The workers' limits (Deno only), and a way to change them for workers from now on. */
  limits(): WorkerLimits | undefined
  setLimits(limits: Partial<WorkerLimits>): void
  /** Retires every worker, e.g. when the function environment changed. */
  recycle(reason: WorkerEndReason): void
}

interface FunctionHostOptions {
  runtime?: FunctionsRuntime
  /** The function environment (Deno workers; the `node` runtime reads the process's). */
  env?: () => Record<string, string | undefined>
  limits?: Partial<WorkerLimits>
}

// Hop-by-hop headers: each connection has its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade'])

export function createFunctionHost(context: StackContext, functionsDir: string, options: FunctionHostOptions = {}): FunctionHost {
  // Deno has a global WebSocket and supabase-js expects one; Node 20 does not, so provide it to the
  // in-process functions and to the supabase-js clients that share the stack's process (tests, benches).
  const web = globalThis as { WebSocket?: unknown }
  web.WebSocket ??= WebSocket
  if ((options.runtime ?? 'deno') === 'deno') return createDenoHost(context, functionsDir, options)
  return createNodeHost(context, functionsDir)
}

/** The request's parts every runtime needs: checked JWT, body, and headers. Answers and returns undefined when refused. */
async function admit(
  context: StackContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
): Promise<{ body: Buffer | undefined; headers: Headers } | undefined> {
  const settings = context.config.functions[name]
  if (req.method !== 'OPTIONS' && settings?.verifyJwt !== false) {
    const token = typeof req.headers.authorization === 'string' ? requestToken(req) : undefined
    if (!token) return void sendJson(res, 401, { code: 401, message: 'Missing authorization header' })
    const verified = verifyJwt(token)
    if (!verified.ok) return void sendJson(res, 401, { code: 401, message: `Invalid JWT: ${verified.message}` })
  }
  let body: Buffer | undefined
  try {
    body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, context.bodyLimit)
  } catch (error) {
    if (error instanceof BodyTooLarge)
      return void sendJson(res, 413, { code: 413, message: `Request body is over the ${error.limit}-byte limit` })
    throw error
  }
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value)
  }
  return { body, headers }
}

/** Sends a function's response on, with the gateway's CORS default. */
function relay(req: IncomingMessage, res: ServerResponse, response: Response): void {
  const outgoing: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    if (!HOP_BY_HOP.has(key) || key === 'content-length') outgoing[key] = value
  })
  // A worker's Deno.serve may compress its answer; fetch hands the body on decoded, so the
  // encoding and the compressed length no longer describe what is sent.
  if (outgoing['content-encoding'] !== undefined) {
    delete outgoing['content-encoding']
    delete outgoing['content-length']
  }
  res.writeHead(response.status, {
    ...(outgoing['access-control-allow-origin'] ? {} : { 'access-control-allow-origin': CORS_HEADERS['access-control-allow-origin'] }),
    ...outgoing,
  })
  if (!response.body || req.method === 'HEAD') {
    res.end()
    return
  }
  Readable.from(chunksOf(response.body))
    .on('error', () => res.destroy())
    .pipe(res)
}

function createDenoHost(context: StackContext, functionsDir: string, options: FunctionHostOptions): FunctionHost {
  const pool = createWorkerPool({ functionsDir, env: options.env ?? (() => ({})), limits: options.limits })
  return {
    async handle(req, res, path, search) {
      const [name, ...rest] = path.split('/').filter(Boolean)
      const settings = name ? context.config.functions[name] : undefined
      if (!name || !NAME.test(name) || settings?.enabled === false || !existsSync(join(functionsDir, name, 'index.ts'))) {
        return sendJson(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' })
      }
      const admitted = await admit(context, req, res, name)
      if (!admitted) return
      const headers = new Headers()
      admitted.headers.forEach((value, key) => {
        if (!HOP_BY_HOP.has(key)) headers.set(key, value)
      })
      let response: Response
      try {
        response = await pool.fetch(name, {
          method: req.method ?? 'GET',
          path: `/functions/v1/${[name, ...rest].join('/')}${search}`,
          headers,
          body: admitted.body && admitted.body.length > 0 ? new Uint8Array(admitted.body) : undefined,
        })
      } catch (error) {
        if (error instanceof WorkerFailure) return sendJson(res, error.status, error.body)
        console.error(`[functions] ${name} failed:`, error)
        return sendJson(res, 500, { code: 'WORKER_ERROR', message: `function ${name} failed: ${errorMessage(error)}` })
      }
      relay(req, res, response)
    },
    shutdown: () => pool.shutdown(),
    workers: () => pool.workers(),
    logs: () => pool.logs(),
    limits: () => pool.limits(),
    setLimits: (limits) => pool.setLimits(limits),
    recycle: (reason) => pool.recycle(reason),
  }
}

function createNodeHost(context: StackContext, functionsDir: string): FunctionHost {
  const modules = new Map<string, Promise<FunctionModule>>()
  const pending = new Set<Promise<unknown>>()

  // Supabase's runtime global; present here so functions can reply early and keep working.
  Reflect.set(globalThis, 'EdgeRuntime', {
    waitUntil(promise: Promise<unknown>) {
      const tracked = promise
        .catch((error) => console.error('[functions] background work failed:', error))
        .finally(() => pending.delete(tracked))
      pending.add(tracked)
    },
  })

  function load(name: string): Promise<FunctionModule> | undefined {
    const entry = join(functionsDir, name, 'index.ts')
    if (!existsSync(entry)) return undefined
    let loaded = modules.get(name)
    if (!loaded) {
      loaded = importTypeScript(pathToFileURL(entry).href).then((module) => {
        const handler = module.handler ?? module.default
        if (typeof handler !== 'function') throw new Error(`${name}/index.ts must export handler(req: Request): Promise<Response>`)
        return { handler, onShutdown: module.onShutdown }
      })
      modules.set(name, loaded)
      loaded.catch(() => modules.delete(name))
    }
    return loaded
  }

  return {
    async handle(req, res, path, search) {
      const [name, ...rest] = path.split('/').filter(Boolean)
      const settings = name ? context.config.functions[name] : undefined
      const loaded = name && NAME.test(name) && settings?.enabled !== false ? load(name) : undefined
      if (!loaded) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' })
      const admitted = await admit(context, req, res, name)
      if (!admitted) return
      const { body, headers } = admitted
      const request = new Request(`${context.url}/functions/v1/${[name, ...rest].join('/')}${search}`, {
        method: req.method,
        headers,
        body: body && body.length > 0 ? new Uint8Array(body) : undefined,
      })
      let response: Response
      try {
        response = await (await loaded).handler(request)
      } catch (error) {
        console.error(`[functions] ${name} failed:`, error)
        return sendJson(res, 500, { code: 'WORKER_ERROR', message: `function ${name} threw: ${errorMessage(error)}` })
      }
      relay(req, res, response)
    },
    async shutdown() {
      const loaded = await Promise.allSettled([...modules.values()])
      for (const result of loaded) {
        if (result.status === 'fulfilled') result.value.onShutdown?.('the local stack is stopping')
      }
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
    workers: () => [],
    logs: () => [],
    limits: () => undefined,
    setLimits: () => {},
    recycle: () => {},
  }
}

/**
 * A response body's chunks, read as they are asked for. (Readable.fromWeb wants Node's own
 * ReadableStream type, which the DOM typings of fetch's Response do not match.)
 */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/**
 * Imports a function's TypeScript entry. Under tsx (tests) that is a plain import; `npm start`
 * runs the stack as bundled JavaScript (local/start.mjs), which registers tsx at the first
 * function a request needs, so a start does not pay for it.
 */
async function importTypeScript(href: string): Promise<FunctionExports> {
  const load = (url: string) => import(url).then((module: FunctionExports) => module)
  try {
    return await load(href)
  } catch (error) {
    if (!(error instanceof Error) || Reflect.get(error, 'code') !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    const { register } = await import('tsx/esm/api')
    register()
    // Node keeps the failed import of `href`; the same file under another address loads afresh.
    return load(`${href}?loader=tsx`)
  }
}

type FunctionExports = Partial<FunctionModule> & { default?: FunctionHandler }
