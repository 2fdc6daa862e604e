/**
 * Writes live snapshots into cards at most once per interval per run, keeping only the newest
 * picture meanwhile (coalescing), so a run logging thousands of lines a second costs the file one
 * write a second per card. A finished run is written at once: its final state must not wait.
 */
import type { RunSnapshot } from '../card/snapshot.ts'
import { TERMINAL_STATUSES } from '../../../src/client/types.ts'

/** `Timer` is whatever `schedule` returns and `cancel` takes (setTimeout's handle, or a test clock's). */
export interface ThrottleOptions<Timer> {
  intervalMs: number
  now(): number
  schedule(callback: () => void, ms: number): Timer
  cancel(handle: Timer): void
  write(snapshot: RunSnapshot): void
}

export class ThrottledWriter<Timer> {
  private readonly pending = new Map<string, RunSnapshot>()
  private readonly lastWrite = new Map<string, number>()
  private readonly timers = new Map<string, Timer>()
  writes = 0

  constructor(private readonly options: ThrottleOptions<Timer>) {}

  offer(snapshot: RunSnapshot): void {
    const { runId } = snapshot
    this.pending.set(runId, snapshot)
    const elapsed = this.options.now() - (this.lastWrite.get(runId) ?? Number.NEGATIVE_INFINITY)
    if (TERMINAL_STATUSES.includes(snapshot.status) || elapsed >= this.options.intervalMs) {
      this.flush(runId)
    } else if (!this.timers.has(runId)) {
      this.timers.set(
        runId,
        this.options.schedule(() => {
          this.timers.delete(runId)
          this.flush(runId)
        }, this.options.intervalMs - elapsed),
      )
    }
  }

  /** Writes whatever is waiting, for every run (when the driver stops). */
  flushAll(): void {
    for (const runId of [...this.pending.keys()]) this.flush(runId)
  }

  private flush(runId: string): void {
    const timer = this.timers.get(runId)
    if (timer !== undefined) {
      this.options.cancel(timer)
      this.timers.delete(runId)
    }
    const snapshot = this.pending.get(runId)
    if (!snapshot) return
    this.pending.delete(runId)
    this.lastWrite.set(runId, this.options.now())
    this.writes++
    this.options.write(snapshot)
  }
}
