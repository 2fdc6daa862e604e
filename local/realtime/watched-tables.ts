/**
 * The tables whose changes someone is listening to, kept in `local_realtime.watched` so that the
 * local change triggers (bootstrap.sql) skip the work for a table nobody subscribed to. Hosted
 * Realtime reads changes from the WAL after commit, so a write there never pays for a change
 * nobody receives; without this, every append of a run's log built and sent notifications for
 * ops.runs and ops.run_events that no client listens to (the plugin hears them over Broadcast).
 *
 * A join's tables are written (and committed) before the join is answered, so every change made
 * after the client is told SUBSCRIBED is reported, as before. Tables are dropped once no channel
 * wants them. Each stack writes its own rows (several stacks may share a Postgres database); an
 * embedded database belongs to one stack, which clears any rows a previous run left behind.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from '../db/database.ts'
import type { Binding } from './binding.ts'

/** schema and table as the trigger compares them: `*` stands for any. */
const entry = (b: Binding) => `${b.schema}\u0000${b.table ?? '*'}`

export class WatchedTables {
  private readonly stack = randomUUID()
  /** Channels (joined or joining) that want each table. */
  private wanted = new Map<string, number>()
  private writes: Promise<void> = Promise.resolve()

  constructor(private readonly db: Database) {}

  async start(): Promise<void> {
    if (this.db.kind === 'pglite') await this.db.query('delete from local_realtime.watched')
  }

  /**
   * A channel joining with these bindings: their tables are reported from now on. Resolves once
   * that is committed (or at once when they were already); `release` the same bindings when the
   * channel goes or its join fails.
   */
  acquire(bindings: readonly Binding[]): Promise<void> {
    let added = false
    for (const e of new Set(bindings.map(entry))) {
      const count = this.wanted.get(e) ?? 0
      this.wanted.set(e, count + 1)
      if (count === 0) added = true
    }
    return added ? this.write() : bindings.length > 0 ? this.writes : Promise.resolve()
  }

  /** The channel with these bindings is gone: tables no other channel wants stop being reported. */
  release(bindings: readonly Binding[]): void {
    let removed = false
    for (const e of new Set(bindings.map(entry))) {
      const count = (this.wanted.get(e) ?? 0) - 1
      if (count > 0) this.wanted.set(e, count)
      else {
        this.wanted.delete(e)
        removed = true
      }
    }
    if (removed)
      void this.write().catch(() => {
        // A table left watched only costs the triggers their work, as before this existed.
      })
  }

  async close(): Promise<void> {
    this.wanted.clear()
    await this.write().catch(() => {})
  }

  /** Writes this stack's rows as `wanted` stands when the write starts, one write at a time. */
  private write(): Promise<void> {
    const write = this.writes.then(
      () => this.replace(),
      () => this.replace(),
    )
    this.writes = write
    return write
  }

  private async replace(): Promise<void> {
    const pairs = [...this.wanted.keys()].map((e) => e.split('\u0000'))
    await this.db.transaction(async (tx) => {
      await tx.query('delete from local_realtime.watched where stack = $1', [this.stack])
      if (pairs.length === 0) return
      await tx.query(
        'insert into local_realtime.watched (stack, schema_name, table_name) select $1, s, t from unnest($2::text[], $3::text[]) as w(s, t)',
        [this.stack, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      )
    })
  }
}
