/**
 * /functions/v1/<name>: runs the Edge Functions under supabase/functions in this process. Each
 * function's index.ts exports a Web-standard `handler(req: Request): Promise<Response>`; the host
 * plays the hosted gateway: it checks the JWT when config.toml says verify_jwt, hands the
 * function a Request, and keeps work registered with EdgeRuntime.waitUntil alive.
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

type FunctionHandler = (req: Request) => Promise<Response>

interface FunctionModule {
  handler: FunctionHandler
  /** Optional: asks the function to wrap up work in progress (Supabase sends 'beforeunload'). */
  onShutdown?: (reason?: string) => void
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/

export interface FunctionHost {
  handle(req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void>
  /** Tells loaded functions the runtime is stopping, then waits for their background work. */
  shutdown(): Promise<void>
}

export function createFunctionHost(context: StackContext, functionsDir: string): FunctionHost {
  const modules = new Map<string, Promise<FunctionModule>>()
  const pending = new Set<Promise<unknown>>()

  // Deno has a global WebSocket and supabase-js expects one; Node 20 does not, so provide it.
  const web = globalThis as { WebSocket?: unknown }
  web.WebSocket ??= WebSocket

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
      if (req.method !== 'OPTIONS' && settings?.verifyJwt !== false) {
        const token = typeof req.headers.authorization === 'string' ? requestToken(req) : undefined
        if (!token) return sendJson(res, 401, { code: 401, message: 'Missing authorization header' })
        const verified = verifyJwt(token)
        if (!verified.ok) return sendJson(res, 401, { code: 401, message: `Invalid JWT: ${verified.message}` })
      }
      let body: Buffer | undefined
      try {
        body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, context.bodyLimit)
      } catch (error) {
        if (error instanceof BodyTooLarge)
          return sendJson(res, 413, { code: 413, message: `Request body is over the ${error.limit}-byte limit` })
        throw error
      }
      const headers = new Headers()
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value)
      }
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
      const outgoing: Record<string, string> = {}
      response.headers.forEach((value, key) => {
        outgoing[key] = value
      })
      res.writeHead(response.status, {
        ...(outgoing['access-control-allow-origin'] ? {} : { 'access-control-allow-origin': CORS_HEADERS['access-control-allow-origin'] }),
        ...outgoing,
      })
      if (!response.body || req.method === 'HEAD') {
        res.end()
        return
      }
      Readable.from(chunksOf(response.body)).pipe(res)
    },
    async shutdown() {
      const loaded = await Promise.allSettled([...modules.values()])
      for (const result of loaded) {
        if (result.status === 'fulfilled') result.value.onShutdown?.('the local stack is stopping')
      }
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
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
