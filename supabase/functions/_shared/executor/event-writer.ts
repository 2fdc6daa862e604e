/**
 * Batches a run's log lines into ops.append_run_events calls: a flush about every 50 ms or every
 * 100 lines, one batch in flight at a time (so seq order is log order), each batch with its own
 * id so a retry after a lost response is not applied twice. Each line is masked and cut to
 * size by the store's rules (RunStore.prepareEvent) before it is counted, so nothing secret or
 * huge is ever kept and the byte count is what the table holds.
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
import { lineBytes } from './log-bytes.ts'

/** Bytes a run's log may hold (message plus data as JSON), across all its invocations. */
const MAX_LOG_BYTES = 5 * 1024 * 1024
/** Kept back from ordinary lines for the lines that end a run: a step's error, the stop line, the summary. */
const FINAL_LINES_RESERVE = 128 * 1024
/** Of that reserve, kept back for the summary alone. */
const SUMMARY_RESERVE = 32 * 1024

/** Where a run's log stood when a step result was recorded: its last seq and its bytes so far. */
export interface LogCheckpoint {
  seq: number
  bytes: number
}

export interface EventWriterOptions {
  flushMs?: number
  flushLines?: number
  /** Lines a run may keep; past it only warnings and errors are written. */
  maxEvents?: number
  /** Events the run already has (its last_seq), so the cap spans invocations. */
  existing?: number
  /** Bytes the run's log may hold; past it (less a reserve) the run stops. */
  maxBytes?: number
  /** Bytes the run's log already holds, so the byte cap spans invocations. */
  existingBytes?: number
}

export class EventWriter {
  private buffer: EventInput[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private inFlight: Promise<void> = Promise.resolve()
  /** The first failed write; every later call rethrows it, so no line is silently lost. */
  private failure: Error | undefined
  private written: number
  private omitted = 0
  private writtenBytes: number
  private bufferedBytes = 0
  private full = false
  readonly maxBytes: number
  private readonly flushMs: number
  private readonly flushLines: number
  private readonly maxEvents: number

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    options: EventWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50
    this.flushLines = options.flushLines ?? 100
    this.maxEvents = options.maxEvents ?? 200_000
    this.written = options.existing ?? 0
    this.maxBytes = options.maxBytes ?? MAX_LOG_BYTES
    this.writtenBytes = options.existingBytes ?? 0
  }

  /** True once the log holds as much as a run may: the run must stop at its next safe point. */
  get limitReached(): boolean {
    return this.full
  }

  /** The written log's last seq and size; valid right after a flush. */
  checkpoint(): LogCheckpoint {
    return { seq: this.written, bytes: this.writtenBytes }
  }

  log(event: EventInput): void {
    if (this.failure) throw this.failure
    const level = event.level ?? 'info'
    if (this.written + this.buffer.length >= this.maxEvents - 1 && level !== 'warn' && level !== 'error') {
      this.omitted++
      return
    }
    if (!this.keep(this.store.prepareEvent(this.runId, { ...event, level, ts: event.ts ?? new Date().toISOString() }))) return
    if (this.buffer.length >= this.flushLines) {
      void this.flush().catch(() => {})
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        void this.flush().catch(() => {})
      }, this.flushMs)
    }
  }

  /** Writes everything logged so far; rethrows a failure (for example a lost lease). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    if (this.omitted > 0 && this.written + this.buffer.length < this.maxEvents) {
      this.keep(
        this.store.prepareEvent(this.runId, {
          level: 'warn',
          source: 'executor',
          message: `${this.omitted} log lines were not kept: this run reached its limit of ${this.maxEvents} events`,
          ts: new Date().toISOString(),
        }),
      )
      this.omitted = 0
    }
    const batch = this.buffer
    const batchBytes = this.bufferedBytes
    this.buffer = []
    this.bufferedBytes = 0
    this.inFlight = this.inFlight.then(async () => {
      if (this.failure) throw this.failure
      if (batch.length === 0) return
      try {
        await this.store.append(this.runId, batch, crypto.randomUUID())
        this.written += batch.length
        this.writtenBytes += batchBytes
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(errorMessage(error))
        throw this.failure
      }
    })
    return this.inFlight
  }

  /** Buffers a prepared line if the byte cap lets it in; false when it is not kept. */
  private keep(event: EventInput): boolean {
    const bytes = lineBytes(event.message, event.data === undefined ? undefined : JSON.stringify(event.data))
    const total = this.writtenBytes + this.bufferedBytes + bytes
    if (!this.full && total > this.maxBytes - Math.min(FINAL_LINES_RESERVE, this.maxBytes / 2)) this.full = true
    if (this.full) {
      // Past the cap only the lines that end the run are kept: warnings, errors and the summary.
      const summary = event.source === 'phase' && event.phase === 'summarize'
      const room = summary ? this.maxBytes : this.maxBytes - Math.min(SUMMARY_RESERVE, this.maxBytes / 8)
      if (total > room || !(summary || event.level === 'warn' || event.level === 'error')) return false
    }
    this.buffer.push(event)
    this.bufferedBytes += bytes
    return true
  }
}
