/**
 * Sends a run's log lines to the database in batches. A line logged while nothing is being sent
 * goes at once (lines logged in the same turn go together); lines logged while a batch is on its
 * way wait and go together in the next one, at most one send per `flushMs` (50 ms) under load.
 * One send at a time (so seq order is log order), each batch with its own id so a retry after a
 * lost response is not applied twice. A step's result takes the lines logged before it along in
 * the same call (sendWith), so a step costs no call of its own for its log.
 *
 * Each line is masked and cut to size by the store's rules (RunStore.prepareEvent) before it is
 * counted, so nothing secret or huge is ever kept and the byte count is what the table holds.
 * Once `maxWaitingBatches` full batches wait to be sent, log() answers a promise that settles when
 * they have gone: a caller that logs in a loop awaits it (back-pressure); no line is dropped.
 *
 * A run's log is capped in lines (maxEvents: past it only warnings and errors are kept) and in
 * bytes (maxBytes, message plus data as JSON, counted across invocations). Once an ordinary line
 * no longer fits under the byte cap less a reserve, the log is full: from then on only warnings,
 * errors and the run's summary are kept, within the reserve, and the run stops at its next safe
 * point (run-execution.ts), so the lines that end it always have room.
 */
import type { EventInput } from '../database/index.ts'
import type { RunStore } from './store.ts'
import { errorMessage } from '../error-message.ts'

/** Bytes a run's log may hold (message plus data as JSON), across all its invocations. */
const MAX_LOG_BYTES = 5 * 1024 * 1024
/** Kept back from ordinary lines for the lines that end a run: a step's error, the stop line, the summary. */
const FINAL_LINES_RESERVE = 128 * 1024
/** Of that reserve, kept back for the summary alone. */
const SUMMARY_RESERVE = 32 * 1024
/** Lines in one batch: what ops.append_run_events takes at most. */
const MAX_BATCH_LINES = 1000
/** Bytes in one batch (a request body), so a batch of large lines stays a reasonable request. */
const MAX_BATCH_BYTES = 1024 * 1024

/** Where a run's log stood when a step result was recorded: its last seq and its bytes so far. */
export interface LogCheckpoint {
  seq: number
  bytes: number
}

export interface EventWriterOptions {
  /** The least time between two sends of this run's lines while lines keep coming (ms). */
  flushMs?: number
  /** Lines in one batch (at most 1000). */
  flushLines?: number
  /** Full batches that may wait to be sent before log() asks its caller to wait. */
  maxWaitingBatches?: number
  /** Lines a run may keep; past it only warnings and errors are written. */
  maxEvents?: number
  /** Events the run already has (its last_seq), so the cap spans invocations. */
  existing?: number
  /** Bytes the run's log may hold; past it (less a reserve) the run stops. */
  maxBytes?: number
  /** Bytes the run's log already holds, so the byte cap spans invocations. */
  existingBytes?: number
}

interface Batch {
  events: EventInput[]
  bytes: number
}

/** How a batch is sent: `checkpoint` is where the log stands once it is written. */
export type SendBatch<T> = (events: EventInput[], batchId: string, checkpoint: LogCheckpoint) => Promise<T>

const ready: Promise<void> = Promise.resolve()

export class EventWriter {
  /** Batches not yet sent, oldest first; lines are added to the last. */
  private queue: Batch[] = []
  /** Lines and bytes logged but not yet written (queued or on their way). */
  private pendingLines = 0
  private pendingBytes = 0
  /** Sends queued or on their way; lines logged meanwhile wait for the next send. */
  private busy = 0
  private chain: Promise<void> = Promise.resolve()
  private wake: ReturnType<typeof setTimeout> | 'soon' | undefined
  private lastSendAt = -Infinity
  private waiters: Array<() => void> = []
  /** The first failed write; every later call rethrows it, so no line is silently lost. */
  private failure: Error | undefined
  private written: number
  private omitted = 0
  private writtenBytes: number
  private full = false
  /** Calls made to send lines (appends and step results that carried lines). */
  sends = 0
  readonly maxBytes: number
  private readonly flushMs: number
  private readonly batchLines: number
  private readonly maxWaitingBatches: number
  private readonly maxEvents: number

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    options: EventWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50
    this.batchLines = Math.max(1, Math.min(options.flushLines ?? MAX_BATCH_LINES, MAX_BATCH_LINES))
    this.maxWaitingBatches = Math.max(1, options.maxWaitingBatches ?? 8)
    this.maxEvents = options.maxEvents ?? 200_000
    this.written = options.existing ?? 0
    this.maxBytes = options.maxBytes ?? MAX_LOG_BYTES
    this.writtenBytes = options.existingBytes ?? 0
  }

  /** True once the log holds as much as a run may: the run must stop at its next safe point. */
  get limitReached(): boolean {
    return this.full
  }

  /** Lines logged and not yet written. */
  get unsent(): number {
    return this.pendingLines
  }

  /**
   * Logs a line. Answers a promise that settles at once, unless `maxWaitingBatches` full batches
   * wait: then it settles when they have gone (await it in a loop that logs many lines).
   */
  log(event: EventInput): Promise<void> {
    if (this.failure) throw this.failure
    const level = event.level ?? 'info'
    if (this.written + this.pendingLines >= this.maxEvents - 1 && level !== 'warn' && level !== 'error') {
      this.omitted++
      return ready
    }
    const line: EventInput = { ...event, level, ts: event.ts ?? new Date().toISOString() }
    if (!this.keep(line)) return ready
    this.schedule()
    if (this.waitingBatches() < this.maxWaitingBatches) return ready
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Writes everything logged so far; rethrows a failure (for example a lost lease). */
  flush(): Promise<void> {
    this.noteOmitted()
    return this.exclusive(async () => {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) await this.send(batch, this.append)
    })
  }

  /**
   * Writes everything logged so far, the last batch (possibly empty) through `via` (a step result
   * that carries it), and answers what `via` answered. Earlier full batches go as appends first.
   */
  sendWith<T>(via: SendBatch<T>): Promise<T> {
    this.noteOmitted()
    return this.exclusive(async () => {
      while (this.queue.length > 1) await this.send(this.queue.shift()!, this.append)
      return this.send(this.queue.shift() ?? { events: [], bytes: 0 }, via)
    })
  }

  private readonly append: SendBatch<number> = (events, batchId) => this.store.append(this.runId, events, batchId)

  /** Sends one batch: the log's counts move on only once it is written. */
  private async send<T>(batch: Batch, via: SendBatch<T>): Promise<T> {
    this.lastSendAt = Date.now()
    const checkpoint = { seq: this.written + batch.events.length, bytes: this.writtenBytes + batch.bytes }
    if (batch.events.length > 0) this.sends++
    const answer = await via(batch.events, crypto.randomUUID(), checkpoint)
    this.written = checkpoint.seq
    this.writtenBytes = checkpoint.bytes
    this.pendingLines -= batch.events.length
    this.pendingBytes -= batch.bytes
    this.release()
    return answer
  }

  /** Runs `work` after every send before it, one at a time; a failure is kept and rethrown from then on. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.busy++
    const turn = this.chain.then(async () => {
      try {
        if (this.failure) throw this.failure
        return await work()
      } catch (error) {
        this.failure ??= error instanceof Error ? error : new Error(errorMessage(error))
        throw this.failure
      } finally {
        this.busy--
        this.release()
        this.schedule()
      }
    })
    this.chain = turn.then(
      () => undefined,
      () => undefined,
    )
    return turn
  }

  /**
   * Arranges the next send of queued lines: none while a send is queued or on its way (it picks
   * them up, or this runs again when it ends); otherwise at once, or when `flushMs` has passed
   * since the last send.
   */
  private schedule(): void {
    if (this.busy > 0 || this.wake !== undefined || this.queue.length === 0 || this.failure) return
    const go = () => {
      this.wake = undefined
      if (this.busy > 0 || this.queue.length === 0) return
      this.exclusive(async () => {
        const batch = this.queue.shift()
        if (batch) await this.send(batch, this.append)
      }).catch(() => {
        // Kept in this.failure and rethrown by the next log(), flush() or sendWith().
      })
    }
    const wait = this.lastSendAt + this.flushMs - Date.now()
    if (wait > 0) this.wake = setTimeout(go, wait)
    else {
      this.wake = 'soon'
      queueMicrotask(go)
    }
  }

  /** Full batches waiting to be sent (the last, still filling, does not count). */
  private waitingBatches(): number {
    const last = this.queue[this.queue.length - 1]
    return this.queue.length - (last && last.events.length < this.batchLines ? 1 : 0)
  }

  /** Lets callers waiting on back-pressure go once few enough batches wait, or the writer failed. */
  private release(): void {
    if (this.waiters.length === 0 || (this.waitingBatches() >= this.maxWaitingBatches && !this.failure)) return
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  /** Adds the line that says how many lines the event cap left out, when it has room. */
  private noteOmitted(): void {
    if (this.omitted > 0 && this.written + this.pendingLines < this.maxEvents) {
      this.keep({
        level: 'warn',
        source: 'executor',
        message: `${this.omitted} log lines were not kept: this run reached its limit of ${this.maxEvents} events`,
        ts: new Date().toISOString(),
      })
      this.omitted = 0
    }
  }

  /** Prepares a line and queues it if the byte cap lets it in; false when it is not kept. */
  private keep(raw: EventInput): boolean {
    const { event, bytes } = this.store.prepareEvent(this.runId, raw)
    const total = this.writtenBytes + this.pendingBytes + bytes
    if (!this.full && total > this.maxBytes - Math.min(FINAL_LINES_RESERVE, this.maxBytes / 2)) this.full = true
    if (this.full) {
      // Past the cap only the lines that end the run are kept: warnings, errors and the summary.
      const summary = event.source === 'phase' && event.phase === 'summarize'
      const room = summary ? this.maxBytes : this.maxBytes - Math.min(SUMMARY_RESERVE, this.maxBytes / 8)
      if (total > room || !(summary || event.level === 'warn' || event.level === 'error')) return false
    }
    let last = this.queue[this.queue.length - 1]
    if (!last || last.events.length >= this.batchLines || (last.events.length > 0 && last.bytes + bytes > MAX_BATCH_BYTES)) {
      last = { events: [], bytes: 0 }
      this.queue.push(last)
    }
    last.events.push(event)
    last.bytes += bytes
    this.pendingLines++
    this.pendingBytes += bytes
    return true
  }
}
