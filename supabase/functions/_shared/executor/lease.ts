/**
 * Keeps a claimed run's lease alive while the executor works on it, and learns of cancel
 * requests on the way: the heartbeat returns cancel_requested. `interrupt` is aborted when the
 * run is canceled or the lease is lost, so waits and requests in flight stop early.
 */
import { LeaseLostError } from './errors.ts'
import type { RunStore } from './store.ts'

export class Lease {
  cancelRequested = false
  lost: LeaseLostError | undefined
  private readonly controller = new AbortController()
  private timer: ReturnType<typeof setInterval> | undefined
  private beating: Promise<void> | undefined

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly intervalMs: number,
  ) {}

  get interrupt(): AbortSignal {
    return this.controller.signal
  }

  start(): void {
    this.timer = setInterval(() => void this.beat().catch(() => {}), this.intervalMs)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** One heartbeat now (also called at every step boundary); throws if the lease is lost. */
  beat(): Promise<void> {
    this.beating ??= (async () => {
      try {
        const { cancelRequested } = await this.store.heartbeat(this.runId)
        if (cancelRequested && !this.cancelRequested) {
          this.cancelRequested = true
          this.controller.abort(new Error('canceled'))
        }
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

  /** Throws if the lease was lost; called at every safe point. */
  check(): void {
    if (this.lost) throw this.lost
  }
}
