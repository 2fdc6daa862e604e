/**
 * The project's message-rate account, as hosted Realtime keeps one per project ("Messages per
 * second": Free 100, Pro 500): every message sent to a client counts — a Broadcast or a
 * postgres_changes change delivered to five subscribers is five messages. A message that takes the
 * current second over the cap is not sent; its socket is disconnected, as hosted Realtime drops
 * sockets past the quota. The clients reconnect and backfill on their own.
 */

/** Hosted Realtime's Free plan: 100 messages per second per project. */
export const FREE_PLAN_MESSAGES_PER_SECOND = 100
/** Hosted Realtime's Pro plan: 500 messages per second per project. */
export const PRO_PLAN_MESSAGES_PER_SECOND = 500

export interface RateAccountStats {
  /** Messages counted since the start. */
  messages: number
  /** The most messages counted in one second. */
  peakPerSecond: number
  /** Sockets disconnected for taking the project over its cap. */
  disconnected: number
}

export class RateAccount {
  private second = 0
  private inSecond = 0
  private messages = 0
  private peak = 0
  private disconnected = 0

  /** `cap` messages per second; undefined or Infinity counts without a cap. */
  constructor(
    readonly cap: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (cap !== undefined && !(cap > 0)) throw new Error(`the realtime message cap must be a positive number per second, got ${cap}`)
  }

  /** Counts one message to a client; false when it would take this second over the cap. */
  take(): boolean {
    const second = Math.floor(this.now() / 1000)
    if (second !== this.second) {
      this.second = second
      this.inSecond = 0
    }
    if (this.cap !== undefined && this.inSecond >= this.cap) return false
    this.inSecond++
    this.messages++
    this.peak = Math.max(this.peak, this.inSecond)
    return true
  }

  /** Records a socket disconnected for going over the cap. */
  disconnect(): void {
    this.disconnected++
  }

  stats(): RateAccountStats {
    return { messages: this.messages, peakPerSecond: this.peak, disconnected: this.disconnected }
  }
}
