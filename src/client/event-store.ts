/**
 * A run's log lines as columns, not as a row object per line: a million-line log costs about its
 * text plus a few bytes per line. Numbers sit in typed arrays (the seq is implied: the lines are
 * a contiguous window of seqs), repeated names (level, phase, step, source) as small numbers,
 * messages packed into long strings, times as numbers, and `data` only for the lines that have
 * it. Rows from REST and realtime are copied in and dropped; `eventAt` makes a row again for the
 * few consumers that want one (the lines on screen).
 *
 * Lines are only added at the end (`append`); older lines put in front make a new store
 * (`withOlder`), so a store someone holds only ever grows at its end.
 */
import { grown } from './grown.ts'
import { NameColumn } from './name-column.ts'
import { PackedText } from './packed-text.ts'
import { PackedTimes } from './packed-times.ts'
import type { EventLevel, EventRow } from './types.ts'

type Phase = NonNullable<EventRow['phase']>

export class EventStore {
  /** Seq of line 0 (null while empty: the first line appended sets it). */
  private start: number | null = null
  private ids = new Float64Array(0)
  private levels = new NameColumn<EventLevel>()
  private phases = new NameColumn<Phase>()
  private steps = new NameColumn<string>()
  private sources = new NameColumn<string>()
  private times = new PackedTimes()
  private messages = new PackedText()
  /** `data` of the lines that have it, by seq. */
  private data = new Map<number, Record<string, unknown>>()
  count = 0

  constructor(readonly runId: string) {}

  /** A store holding these rows (contiguous, ascending), e.g. a page read over REST. */
  static of(runId: string, rows: readonly EventRow[]): EventStore {
    const store = new EventStore(runId)
    for (const row of rows) store.append(row)
    return store
  }

  /** Seq of the first line (null when empty). */
  get firstSeq(): number | null {
    return this.start
  }

  /** Seq of the last line (0 when empty). */
  get lastSeq(): number {
    return this.start === null ? 0 : this.start + this.count - 1
  }

  /** Adds the line after the last one; a row whose seq does not follow is a mistake of the caller. */
  append(row: EventRow): void {
    if (this.start === null) this.start = row.seq
    else if (row.seq !== this.start + this.count) throw new Error(`Line ${row.seq} does not follow line ${this.lastSeq} of the log.`)
    this.ids = grown(this.ids, this.count + 1, (n) => new Float64Array(n))
    this.ids[this.count] = row.id
    this.levels.push(row.level)
    this.phases.push(row.phase)
    this.steps.push(row.step_id)
    this.sources.push(row.source)
    // Both are not null in the database; a malformed message still shows, as text, rather than stop the log.
    this.times.push(typeof row.ts === 'string' ? row.ts : String(row.ts ?? ''), row.seq)
    this.messages.push(typeof row.message === 'string' ? row.message : String(row.message ?? ''))
    if (row.data !== null && row.data !== undefined) this.data.set(row.seq, row.data)
    this.count++
  }

  /** A store with `older` (contiguous, ascending, ending just before this one's first line) in front. */
  withOlder(older: readonly EventRow[]): EventStore {
    if (older.length === 0) return this
    const last = older[older.length - 1].seq
    if (this.start !== null && last !== this.start - 1) throw new Error(`Line ${last} does not precede line ${this.start} of the log.`)
    const front = EventStore.of(this.runId, older)
    const next = new EventStore(this.runId)
    next.start = front.start
    next.count = front.count + this.count
    next.ids = new Float64Array(next.count)
    next.ids.set(front.ids.subarray(0, front.count))
    next.ids.set(this.ids.subarray(0, this.count), front.count)
    next.levels = this.levels.withFront(older.map((row) => row.level))
    next.phases = this.phases.withFront(older.map((row) => row.phase))
    next.steps = this.steps.withFront(older.map((row) => row.step_id))
    next.sources = this.sources.withFront(older.map((row) => row.source))
    next.times = this.times.withFront(older.map((row) => ({ time: row.ts, key: row.seq })))
    next.messages = this.messages.withFront(older.map((row) => row.message))
    next.data = new Map([...front.data, ...this.data])
    return next
  }

  /** The index of the line with this seq, or -1 when it is not here. */
  indexOfSeq(seq: number): number {
    if (this.start === null) return -1
    const index = seq - this.start
    return Number.isInteger(index) && index >= 0 && index < this.count ? index : -1
  }

  seqAt(index: number): number {
    return (this.start ?? 0) + index
  }

  levelAt(index: number): EventLevel {
    return this.levels.at(index) ?? 'info'
  }

  phaseAt(index: number): Phase | null {
    return this.phases.at(index)
  }

  stepIdAt(index: number): string | null {
    return this.steps.at(index)
  }

  sourceAt(index: number): string {
    return this.sources.at(index) ?? ''
  }

  tsAt(index: number): string {
    return this.times.at(index, this.seqAt(index))
  }

  messageAt(index: number): string {
    return this.messages.at(index)
  }

  /** The line's row, made afresh (the store keeps no row objects). */
  eventAt(index: number): EventRow {
    const seq = this.seqAt(index)
    return {
      id: this.ids[index],
      run_id: this.runId,
      seq,
      ts: this.tsAt(index),
      level: this.levelAt(index),
      source: this.sourceAt(index),
      phase: this.phases.at(index),
      step_id: this.steps.at(index),
      message: this.messageAt(index),
      data: this.data.get(seq) ?? null,
    }
  }

  /** Rows of lines [start, end), as Array.prototype.slice reads its arguments. */
  slice(start = 0, end = this.count): EventRow[] {
    const from = start < 0 ? Math.max(0, this.count + start) : Math.min(start, this.count)
    const to = end < 0 ? Math.max(0, this.count + end) : Math.min(end, this.count)
    return Array.from({ length: Math.max(0, to - from) }, (_, offset) => this.eventAt(from + offset))
  }

  /**
   * Calls `found` with the index of each line in [from, to) whose message contains `needle`
   * (lower-cased, not empty) case-insensitively, in order.
   */
  findMessages(from: number, to: number, needle: string, found: (index: number) => void): void {
    this.messages.find(Math.max(0, from), Math.min(to, this.count), needle, found)
  }
}
