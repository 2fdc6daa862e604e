/**
 * Keeps a claimed run's lease alive while the executor works on it, and learns of cancel
 * requests on the way: the heartbeat returns cancel_requested. Recording a step extends the lease
 * too (ops.record_step_with_events), so a heartbeat is sent only when neither happened for
 * `intervalMs`. `interrupt` is aborted when the run is canceled or the lease is lost, so waits and
 * requests in flight stop early.
 */
import { LeaseLostError } from './errors.ts'
import type { RunStore } from './store.ts'

export class Lease {
  cancelRequested = false
  lost: LeaseLostError | undefined
  private readonly controller = new AbortController()
  private timer: ReturnType<typeof setInterval> | undefined
  private beating: Promise<void> | undefined
  /** When the lease was last extended (ms since epoch): by a heartbeat or a recorded step. */
  private extendedAt = -Infinity

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly intervalMs: number,
  ) {}

  get interrupt(): AbortSignal {
    return this.controller.signal
  }

  start(): void {
    this.timer = setInterval(() => void this.beatIfDue().catch(() => {}), this.intervalMs / 2)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** The lease was extended by another call (a recorded step), which also said whether a cancel was requested. */
  extended(cancelRequested: boolean, at = Date.now()): void {
    this.extendedAt = Math.max(this.extendedAt, at)
    this.noteCancel(cancelRequested)
  }

  /**
   * A heartbeat, unless the lease was extended less than `intervalMs` ago (called at every step
   * boundary and by the timer); throws if the lease is lost.
   */
  beatIfDue(): Promise<void> {
    if (this.beating === undefined && Date.now() - this.extendedAt < this.intervalMs) return Promise.resolve()
    return this.beat()
  }

  /** One heartbeat now; throws if the lease is lost. */
  beat(): Promise<void> {
    this.beating ??= (async () => {
      try {
        const sentAt = Date.now()
        const { cancelRequested } = await this.store.heartbeat(this.runId)
        this.extended(cancelRequested, sentAt)
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.lost = error
          this.stop()
          this.controller.abort(error)
        }
        throw error
      } finally {
        this.beating = undefined
      }
    })()
    return this.beating
  }

  /**
   * While `work` is under way (a step, a retry's back-off), asks every `pollMs` whether the run
   * was canceled, so a cancel interrupts a wait within that time rather than at the next heartbeat.
   */
  async watch<T>(work: Promise<T>, pollMs: number): Promise<T> {
    const timer = setInterval(() => void this.beat().catch(() => {}), pollMs)
    try {
      return await work
    } finally {
      clearInterval(timer)
    }
  }

  private noteCancel(cancelRequested: boolean): void {
    if (cancelRequested && !this.cancelRequested) {
      this.cancelRequested = true
      this.controller.abort(new Error('canceled'))
    }
  }

  /** Throws if the lease was lost; called at every safe point. */
  check(): void {
    if (this.lost) throw this.lost
  }
}
