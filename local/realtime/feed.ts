/**
 * The change feed: LISTENs on the trigger's channel and hands changes to the dispatcher in
 * batches, one batch at a time. Postgres delivers notifications in commit order, so processing
 * batches strictly one after another (never two at once) is what keeps every socket's stream in
 * commit order. Batching is adaptive: whatever arrives while a batch is being checked forms the
 * next batch, so a burst of inserts costs a few RLS queries rather than one per row.
 */
import type { Database } from '../db/database.ts'
import type { Change } from './change.ts'
import { parseChange } from './change.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

const NOTIFY_CHANNEL = 'local_realtime'
/** Caps one batch so a huge burst still goes out in bounded slices (and bounded SQL). */
const MAX_BATCH = 500
/**
 * Rows too big for NOTIFY (up to 1 MiB each) are fetched and held for the whole batch, so fewer of
 * them go in one batch: this bounds the memory a batch can take.
 */
const MAX_TRUNCATED_PER_BATCH = 32

export class ChangeFeed {
  private queue: Change[] = []
  private draining: Promise<void> | undefined
  private unlisten: (() => Promise<void>) | undefined
  private closed = false

  constructor(
    private readonly db: Database,
    private readonly dispatch: (changes: Change[]) => Promise<void>,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(NOTIFY_CHANNEL, (payload) => this.receive(payload))
  }

  /** Changes received but not yet dispatched. */
  get backlog(): number {
    return this.queue.length
  }

  private receive(payload: string): void {
    if (this.closed) return
    const change = parseChange(payload)
    if (typeof change === 'string') {
      this.warn(`ignored a ${NOTIFY_CHANNEL} notification: ${change}`)
      return
    }
    this.queue.push(change)
    this.draining ??= this.drain()
  }

  private async drain(): Promise<void> {
    try {
      // Yield once so notifications delivered together (one commit) form one batch.
      await new Promise((resolve) => setImmediate(resolve))
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.splice(0, batchLength(this.queue))
        try {
          await this.dispatch(batch)
        } catch (error) {
          this.warn(`dropped ${batch.length} change(s): ${errorMessage(error)}`)
        }
      }
    } finally {
      this.draining = undefined
      if (this.queue.length > 0 && !this.closed) this.draining = this.drain()
    }
  }

  /** Stops listening and waits for the batch in flight, so no query runs after the database closes. */
  async close(): Promise<void> {
    this.closed = true
    this.queue = []
    const unlisten = this.unlisten
    this.unlisten = undefined
    await unlisten?.().catch(() => {})
    await this.draining
  }
}

function batchLength(queue: Change[]): number {
  let truncated = 0
  let length = 0
  while (length < queue.length && length < MAX_BATCH) {
    if (queue[length].truncated && ++truncated > MAX_TRUNCATED_PER_BATCH) break
    length++
  }
  return length
}
