/**
 * Loaded by Deno before a function's own entry (`deno run --preload`) in each worker process of
 * the local stack (worker-pool.ts), to give the entry what the hosted edge runtime gives it:
 *
 * - `Deno.serve` binds the entry's handler to the loopback port the stack chose (the first
 *   argument), whatever the entry asks for, and answers a handler that throws as the stack's
 *   in-process host does;
 * - `EdgeRuntime.waitUntil` keeps background work in the worker's account of what it is doing;
 * - a `beforeunload` event with the runtime's shape (`ev.detail.reason`: `cpu`, `memory`,
 *   `wall_clock`, `termination`) when the stack retires the worker.
 *
 * Lines starting with the record separator on stdout tell the stack that the worker listens, is
 * busy or is idle; a request with the worker's control token asks it to retire. Everything else on
 * stdout and stderr is the function's own log.
 */

interface ServeOptions {
  port?: number
  hostname?: string
  onListen?: (address: { port: number }) => void
  onError?: (error: unknown) => Response | Promise<Response>
  handler?: ServeHandler
}
type ServeHandler = (request: Request, info: unknown) => Response | Promise<Response>
interface DenoRuntime {
  args: string[]
  serve(options: ServeOptions, handler: ServeHandler): unknown
  stdout: { writeSync(bytes: Uint8Array): number }
  exit(code: number): never
}

// Deno's global, typed here: this file runs only under Deno, and is type-checked with the Node sources.
declare const Deno: DenoRuntime
const runtime = Deno
const [portArgument, functionName = 'function', controlToken] = runtime.args
const MARK = '\u001eops-worker '
const encoder = new TextEncoder()
const tell = (message: string) => runtime.stdout.writeSync(encoder.encode(`${MARK}${message}\n`))

let retired = false

// What the worker is doing: requests being answered and work handed to EdgeRuntime.waitUntil.
let active = 0
const begin = () => {
  if (active++ === 0) tell('busy')
}
const end = () => {
  if (--active > 0) return
  tell('idle')
  if (retired) exitSoon()
}
// A retired worker ends itself once idle, so its last log lines are written before it goes.
const exitSoon = () => setTimeout(() => runtime.exit(0), 20)
const track = <T>(work: Promise<T>): Promise<T> => {
  begin()
  return work.finally(end)
}

Object.defineProperty(globalThis, 'EdgeRuntime', {
  value: {
    waitUntil(promise: Promise<unknown>) {
      void track(promise).catch((error: unknown) => console.error(`[${functionName}] background work failed:`, error))
    },
  },
  configurable: true,
})

const realServe = runtime.serve.bind(runtime)
let served = false
runtime.serve = (first: ServeOptions | ServeHandler, second?: ServeHandler) => {
  const handler = typeof first === 'function' ? first : (second ?? first.handler)
  if (typeof handler !== 'function') throw new TypeError('Deno.serve needs a handler')
  if (served) throw new Error('this worker already serves its function: call Deno.serve once')
  served = true
  return realServe(
    {
      hostname: '127.0.0.1',
      port: Number(portArgument ?? 0),
      onListen: ({ port }) => tell(`listening ${port}`),
    },
    (request, info) =>
      control(request) ??
      track(
        (async () => {
          try {
            return await handler(request, info)
          } catch (error) {
            console.error(`[${functionName}] failed:`, error)
            const message = error instanceof Error ? error.message : String(error)
            return Response.json({ code: 'WORKER_ERROR', message: `function ${functionName} threw: ${message}` }, { status: 500 })
          }
        })(),
      ),
  )
}

// The stack retires the worker by a request of its own, carrying the token it started the worker
// with (the worker's standard input may be a socket that Deno would block on): the function is
// told as the hosted runtime tells it, once.
function control(request: Request): Response | undefined {
  if (!controlToken || request.headers.get('x-ops-worker-control') !== controlToken) return undefined
  const reason = /^\/__ops-worker\/retire\/([a-z_]+)$/.exec(new URL(request.url).pathname)?.[1]
  if (!reason) return new Response('unknown control request', { status: 404 })
  if (!retired) {
    retired = true
    globalThis.dispatchEvent(new CustomEvent('beforeunload', { cancelable: true, detail: { reason } }))
  }
  tell(active === 0 ? 'idle' : 'busy')
  if (active === 0) exitSoon()
  return new Response(null, { status: 204 })
}
