/**
 * Batches a run's log lines into ops.append_run_events calls: a flush about every 50 ms or every
 * 100 lines, one batch in flight at a time (so seq order is log order), each batch with its own
 * id so a retry after a lost response is not applied twice. The store masks every line and cuts
 * oversized ones (RunStore.append), so nothing secret or huge is ever kept.
 */
import type { EventInput } from '../database/index.ts'
import type { RunStore } from './store.ts'
import { errorMessage } from '../error-message.ts'

export interface EventWriterOptions {
  flushMs?: number
  flushLines?: number
  /** Lines a run may keep; past it only warnings and errors are written. */
  maxEvents?: number
  /** Events the run already has (its last_seq), so the cap spans invocations. */
  existing?: number
}

export class EventWriter {
  private buffer: EventInput[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private inFlight: Promise<void> = Promise.resolve()
  /** The first failed write; every later call rethrows it, so no line is silently lost. */
  private failure: Error | undefined
  private written: number
  private omitted = 0
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
  }

  log(event: EventInput): void {
    if (this.failure) throw this.failure
    const level = event.level ?? 'info'
    if (this.written + this.buffer.length >= this.maxEvents - 1 && level !== 'warn' && level !== 'error') {
      this.omitted++
      return
    }
    this.buffer.push({ ...event, level, ts: event.ts ?? new Date().toISOString() })
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
      this.buffer.push({
        level: 'warn',
        source: 'executor',
        message: `${this.omitted} log lines were not kept: this run reached its limit of ${this.maxEvents} events`,
        ts: new Date().toISOString(),
      })
      this.omitted = 0
    }
    const batch = this.buffer
    this.buffer = []
    this.inFlight = this.inFlight.then(async () => {
      if (this.failure) throw this.failure
      if (batch.length === 0) return
      try {
        await this.store.append(this.runId, batch, crypto.randomUUID())
        this.written += batch.length
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(errorMessage(error))
        throw this.failure
      }
    })
    return this.inFlight
  }
}
