/**
 * Edge Functions in Deno worker processes, the way the hosted edge runtime runs them: each
 * function's own entry (`supabase/functions/<name>/index.ts` with its `deno.json`) in a worker of
 * its own, started on its first request, reused across requests and recycled like the hosted
 * isolates, with the hosted limits applied:
 *
 * - memory: V8's heap is capped (`--max-old-space-size`);
 * - wall clock: the worker retires when it has lived that long, and is killed a moment later if it
 *   is still busy;
 * - CPU, read from /proc/<pid>/stat (all the worker's threads): past the soft limit the worker
 *   takes no more requests, is told why (`beforeunload`) and ends once its requests and
 *   background work are done; past the hard limit within one busy period (a request and the work it
 *   left running with `EdgeRuntime.waitUntil`) it is killed, and requests still waiting on it get
 *   the hosted runtime's 546 WORKER_LIMIT.
 *
 * worker-bootstrap.ts is loaded before the entry in every worker; it binds the entry's
 * `Deno.serve` to a loopback port and reports over stdout when the worker is busy or idle.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { backgroundTimer, type BackgroundTimer } from '../timers.ts'
import { denoEnv } from './deno-env.ts'

export interface WorkerLimits {
  /** V8 heap of a worker, MB (hosted: 256). */
  memoryMb: number
  /** How long a worker lives, ms (hosted: 150 s on Free, 400 s on paid plans). */
  wallClockMs: number
  /** CPU after which a worker retires once its requests end, ms (hosted: about 200). */
  softCpuMs: number
  /** CPU within one busy period after which a worker is killed, ms (hosted: 2,000). */
  hardCpuMs: number
}

/** The hosted Free plan's limits. */
export const HOSTED_LIMITS: WorkerLimits = { memoryMb: 256, wallClockMs: 150_000, softCpuMs: 200, hardCpuMs: 2_000 }

/** Why a worker was retired or killed, in the words the hosted runtime's `beforeunload` uses. */
export type WorkerEndReason = 'cpu' | 'memory' | 'wall_clock' | 'termination'

export interface WorkerRecord {
  function: string
  pid: number
  state: 'booting' | 'serving' | 'retiring' | 'exited'
  /** Requests the stack sent it. */
  requests: number
  /** CPU since it was ready to serve (booting not counted), ms. */
  cpuMs: number
  /** CPU it took to boot, ms. */
  bootCpuMs: number
  /** The most CPU one busy period took, ms. */
  maxBusyCpuMs: number
  /** Peak resident memory, bytes (VmHWM). */
  peakRssBytes: number
  /** The V8 flags it runs with. */
  v8Flags: string[]
  /** The `beforeunload` reason it was given, when it was retired. */
  retired?: WorkerEndReason
  /** Why the stack killed it, when it did. */
  killed?: WorkerEndReason
  exit?: { code: number | null; signal: NodeJS.Signals | null }
}

export interface FunctionLogLine {
  function: string
  pid: number
  stream: 'stdout' | 'stderr'
  line: string
}

/** A request for a function, as the stack received it. */
interface WorkerRequest {
  method: string
  /** Path and query after the host, e.g. /functions/v1/ops-executor?x=1. */
  path: string
  headers: Headers
  body?: Uint8Array<ArrayBuffer>
}

/** The hosted runtime's answer when a worker is cut off by a limit, and when one cannot start. */
const WORKER_LIMIT = {
  status: 546,
  body: { code: 'WORKER_LIMIT', message: 'Function failed due to not having enough compute resources (please check logs)' },
}
const BOOT_ERROR = { status: 503, body: { code: 'BOOT_ERROR', message: 'Function failed to start (please check logs)' } }

/** An answer the pool gives itself instead of the function's (a limit, a failed boot). */
export class WorkerFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: string; message: string },
  ) {
    super(body.message)
  }
}

export interface WorkerPool {
  fetch(name: string, request: WorkerRequest): Promise<Response>
  /** Every worker started so far (the last 200), oldest first. */
  workers(): WorkerRecord[]
  /** The functions' log lines so far (the last 5,000). */
  logs(): FunctionLogLine[]
  limits(): WorkerLimits
  /** Changes limits for workers from now on (and the CPU limits of running ones). */
  setLimits(limits: Partial<WorkerLimits>): void
  /** Retires every worker (e.g. the function environment changed): new requests get new workers. */
  recycle(reason: WorkerEndReason): void
  /** Retires every worker with `termination` and waits up to `graceMs` for them, then kills the rest. */
  shutdown(graceMs?: number): Promise<void>
}

const MARK = '\u001eops-worker '
const SAMPLE_MS = 50
const WALL_CLOCK_GRACE_MS = 1_000
const EXIT_GRACE_MS = 5_000
const BOOT_TIMEOUT_MS = 60_000
const TICKS_PER_SECOND = 100
const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.ts', import.meta.url))

/** The Deno binary of the project's `deno` package (not its Node launcher, so the pid is Deno's). */
function denoBinary(): string {
  const require = createRequire(import.meta.url)
  const binary = join(dirname(require.resolve('deno/package.json')), process.platform === 'win32' ? 'deno.exe' : 'deno')
  if (!existsSync(binary)) throw new Error(`the deno package has no binary at ${binary}: run npm install`)
  return binary
}

/** CPU time of a process and all its threads, ms, from /proc (undefined where there is none). */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

/** Peak resident memory of a process, bytes, from /proc (undefined where there is none). */
function peakRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

interface Worker {
  record: WorkerRecord
  child: ChildProcess
  token: string
  ready: Promise<number>
  port?: number
  /** Requests the stack sent and has not had an answer to. */
  inFlight: number
  /** The worker says it is answering requests or running background work. */
  workerBusy: boolean
  readyCpu: number
  busySinceCpu: number
  wallClock?: BackgroundTimer
  exited: Promise<void>
}

export function createWorkerPool(options: {
  functionsDir: string
  /** The environment a function gets (the stack's function environment over the process's). */
  env: () => Record<string, string | undefined>
  limits?: Partial<WorkerLimits>
  /** Where the functions' own log lines go; default the stack's stdout and stderr. */
  onLog?: (line: FunctionLogLine) => void
}): WorkerPool {
  let limits: WorkerLimits = { ...HOSTED_LIMITS, ...options.limits }
  const current = new Map<string, Worker>()
  const live = new Set<Worker>()
  const records: WorkerRecord[] = []
  const logs: FunctionLogLine[] = []
  const deno = denoBinary()
  const onLog =
    options.onLog ?? ((line: FunctionLogLine) => (line.stream === 'stdout' ? process.stdout : process.stderr).write(`${line.line}\n`))

  let sampler: BackgroundTimer | undefined
  const sampleAll = () => {
    for (const worker of live) sample(worker)
    sampler = backgroundTimer(sampleAll, SAMPLE_MS)
  }
  sampleAll()

  function sample(worker: Worker): void {
    const { record } = worker
    if (record.state === 'booting' || record.state === 'exited') return
    const cpu = processCpuMs(record.pid)
    if (cpu === undefined) return
    record.cpuMs = cpu - worker.readyCpu
    record.peakRssBytes = Math.max(record.peakRssBytes, peakRssBytes(record.pid) ?? 0)
    if (busy(worker)) {
      const busyCpu = cpu - worker.busySinceCpu
      record.maxBusyCpuMs = Math.max(record.maxBusyCpuMs, busyCpu)
      if (busyCpu > limits.hardCpuMs) return kill(worker, 'cpu')
    }
    // Counted once it served a request: an idle worker's own start-up work is not the function's.
    if (record.state === 'serving' && record.requests > 0 && record.cpuMs > limits.softCpuMs) retire(worker, 'cpu')
  }

  function kill(worker: Worker, reason: WorkerEndReason): void {
    if (worker.record.state === 'exited' || worker.record.killed) return
    worker.record.killed = reason
    worker.child.kill('SIGKILL')
  }

  function retire(worker: Worker, reason: WorkerEndReason): void {
    if (current.get(worker.record.function) === worker) current.delete(worker.record.function)
    if (worker.record.state !== 'serving' && worker.record.state !== 'booting') return
    worker.record.state = 'retiring'
    worker.record.retired = reason
    void worker.ready
      .then((port) =>
        fetch(`http://127.0.0.1:${port}/__ops-worker/retire/${reason}`, {
          method: 'POST',
          headers: { 'x-ops-worker-control': worker.token },
        }),
      )
      .then((response) => response.arrayBuffer())
      .catch(() => {})
      .finally(() => endIfIdle(worker))
  }

  /**
   * A busy period runs from a request the stack sends to a worker that was idle (or from the
   * worker saying it is busy) until no request waits on it and it says it is idle (its
   * EdgeRuntime.waitUntil work done). The stack's side counts from the moment it sends, since a
   * worker that computes without yielding cannot say anything until it is done.
   */
  const busy = (worker: Worker) => worker.inFlight > 0 || worker.workerBusy
  function beginBusy(worker: Worker): void {
    if (!busy(worker)) worker.busySinceCpu = processCpuMs(worker.record.pid) ?? 0
  }
  function endIfIdle(worker: Worker): void {
    if (busy(worker)) return
    if (worker.record.state !== 'booting' && worker.record.state !== 'exited') sample(worker)
    // A retired worker exits by itself once idle (worker-bootstrap.ts); one that does not is ended.
    if (worker.record.state === 'retiring') backgroundTimer(() => worker.child.kill('SIGTERM'), EXIT_GRACE_MS)
  }

  function start(name: string): Worker {
    const dir = join(options.functionsDir, name)
    const config = join(dir, 'deno.json')
    const v8Flags = [`--max-old-space-size=${limits.memoryMb}`]
    const token = randomBytes(16).toString('hex')
    const env = denoEnv({ ...process.env, ...options.env() })
    // Under Node's test runners these would reach Deno's own Node compatibility layer.
    delete env.NODE_OPTIONS
    const child = spawn(
      deno,
      [
        'run',
        ...(existsSync(config) ? ['--config', config] : []),
        `--v8-flags=${v8Flags.join(',')}`,
        '--allow-net',
        '--allow-env',
        '--allow-read',
        '--allow-sys',
        '--allow-write=/tmp',
        '--no-prompt',
        '--preload',
        BOOTSTRAP,
        join(dir, 'index.ts'),
        '0',
        name,
        token,
      ],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const record: WorkerRecord = {
      function: name,
      pid: child.pid ?? -1,
      state: 'booting',
      requests: 0,
      cpuMs: 0,
      bootCpuMs: 0,
      maxBusyCpuMs: 0,
      peakRssBytes: 0,
      v8Flags,
    }
    let markReady!: (port: number) => void
    let failBoot!: (error: Error) => void
    const ready = new Promise<number>((resolve, reject) => {
      markReady = resolve
      failBoot = reject
    })
    ready.catch(() => {})
    const worker: Worker = {
      record,
      child,
      token,
      ready,
      inFlight: 0,
      workerBusy: false,
      readyCpu: 0,
      busySinceCpu: 0,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    }
    const bootTimer = backgroundTimer(() => {
      failBoot(new WorkerFailure(BOOT_ERROR.status, BOOT_ERROR.body))
      kill(worker, 'termination')
    }, BOOT_TIMEOUT_MS)

    const onMarker = (message: string) => {
      const [what, value] = message.split(' ')
      if (what === 'listening' && record.state === 'booting') {
        bootTimer.clear()
        worker.port = Number(value)
        worker.readyCpu = processCpuMs(record.pid) ?? 0
        record.bootCpuMs = worker.readyCpu
        worker.busySinceCpu = worker.readyCpu
        record.state = 'serving'
        worker.wallClock = backgroundTimer(() => {
          retire(worker, 'wall_clock')
          worker.wallClock = backgroundTimer(() => {
            if (busy(worker)) kill(worker, 'wall_clock')
          }, WALL_CLOCK_GRACE_MS)
        }, limits.wallClockMs)
        markReady(worker.port)
      } else if (what === 'busy' && !worker.workerBusy) {
        beginBusy(worker)
        worker.workerBusy = true
      } else if (what === 'idle' && worker.workerBusy) {
        worker.workerBusy = false
        endIfIdle(worker)
      }
    }
    const read = (stream: NodeJS.ReadableStream | null, kind: 'stdout' | 'stderr') => {
      if (!stream) return
      createInterface({ input: stream }).on('line', (line) => {
        if (kind === 'stdout' && line.startsWith(MARK)) return onMarker(line.slice(MARK.length))
        const entry = { function: name, pid: record.pid, stream: kind, line }
        logs.push(entry)
        if (logs.length > 5_000) logs.shift()
        onLog(entry)
      })
    }
    read(child.stdout, 'stdout')
    read(child.stderr, 'stderr')
    child.once('exit', (code, signal) => {
      bootTimer.clear()
      worker.wallClock?.clear()
      const served = record.state !== 'booting'
      record.state = 'exited'
      record.exit = { code, signal }
      // V8 out of heap aborts the process itself (SIGTRAP or SIGABRT): that is the memory limit.
      if (!record.killed && served && (signal === 'SIGTRAP' || signal === 'SIGABRT')) record.killed = 'memory'
      live.delete(worker)
      if (current.get(name) === worker) current.delete(name)
      failBoot(new WorkerFailure(BOOT_ERROR.status, BOOT_ERROR.body))
    })
    child.once('error', (error) => {
      onLog({ function: name, pid: record.pid, stream: 'stderr', line: `[functions] ${name}: ${error.message}` })
    })
    live.add(worker)
    records.push(record)
    if (records.length > 200) records.shift()
    return worker
  }

  return {
    async fetch(name, request) {
      let worker = current.get(name)
      if (!worker) {
        worker = start(name)
        current.set(name, worker)
      }
      if (worker.record.state !== 'booting') beginBusy(worker)
      worker.inFlight++
      worker.record.requests++
      try {
        const port = await worker.ready
        try {
          return await fetch(`http://127.0.0.1:${port}${request.path}`, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            redirect: 'manual',
          })
        } catch (error) {
          // The worker went away under the request: a limit cut it off (the hosted runtime answers
          // 546), or the stack is stopping.
          await Promise.race([worker.exited, new Promise<void>((resolve) => backgroundTimer(resolve, 1_000))])
          if (worker.record.killed && worker.record.killed !== 'termination')
            throw new WorkerFailure(WORKER_LIMIT.status, WORKER_LIMIT.body)
          throw error
        }
      } finally {
        worker.inFlight--
        endIfIdle(worker)
      }
    },
    workers: () => records.map((record) => ({ ...record })),
    logs: () => [...logs],
    limits: () => ({ ...limits }),
    setLimits(changes) {
      limits = { ...limits, ...changes }
    },
    recycle(reason) {
      for (const worker of live) retire(worker, reason)
    },
    async shutdown(graceMs = 5_000) {
      sampler?.clear()
      const workers = [...live]
      for (const worker of workers) {
        if (worker.record.state === 'booting') kill(worker, 'termination')
        else retire(worker, 'termination')
      }
      const timer = backgroundTimer(() => workers.forEach((worker) => kill(worker, 'termination')), graceMs)
      await Promise.all(workers.map((worker) => worker.exited))
      timer.clear()
    },
  }
}
