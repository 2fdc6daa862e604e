/**
 * The pure merge logic of a run's log. Events are keyed by seq (1..N per run, no gaps in the
 * database); they arrive from realtime and from REST backfills in any order and any number of
 * times. The log keeps a contiguous window [firstSeq, lastSeq] of them:
 *
 * - a duplicate (a seq already in the window or already held) is dropped;
 * - an event after a gap is held until the gap fills, and the gap is reported so the caller can
 *   refetch the missing range;
 * - the window may start anywhere (a tail of the last ~1,000 lines of a big log: anchor it at the
 *   tail's first seq) and grows backwards as older pages are prepended.
 *
 * Until the log is anchored (the first backfill says where the window starts) every event is held.
 * Every function returns a new log; inputs are never mutated.
 */
import type { EventRow } from './types.ts'

export interface EventLog {
  /** Contiguous, ascending by seq. */
  readonly events: readonly EventRow[]
  /** Seq of events[0]; when empty, the seq the window starts at (lastSeq + 1). Null until anchored. */
  readonly firstSeq: number | null
  /** Highest seq of the contiguous window (firstSeq - 1 when empty). 0 until anchored. */
  readonly lastSeq: number
  /** Events after a gap (or before anchoring), by seq. */
  readonly held: ReadonlyMap<number, EventRow>
}

/** A missing range [from, to] (inclusive) between the window and the held events. */
export interface Gap {
  from: number
  to: number
}

export interface MergeResult {
  log: EventLog
  /** Events that joined the window, in seq order. */
  added: EventRow[]
  /** Incoming events dropped because their seq was already known. */
  duplicates: number
  /** Incoming events older than the window's start (they belong to an older page). */
  older: number
  /** The first missing range, when events are held after a gap. */
  gap: Gap | null
}

export function emptyLog(): EventLog {
  return { events: [], firstSeq: null, lastSeq: 0, held: new Map() }
}

/** Older events exist before the window. */
export function hasOlder(log: EventLog): boolean {
  return log.firstSeq !== null && log.firstSeq > 1
}

/** The first missing range when events are held after a gap (null when none or not anchored). */
export function gapOf(log: EventLog): Gap | null {
  if (log.firstSeq === null || log.held.size === 0) return null
  let lowest = Infinity
  for (const seq of log.held.keys()) lowest = Math.min(lowest, seq)
  return lowest > log.lastSeq + 1 ? { from: log.lastSeq + 1, to: lowest - 1 } : null
}

/**
 * Fixes where the window starts: `firstSeq` is the first seq the log will show (1 for a whole
 * log, or the first seq of a tail page). Held events at or after it are merged; earlier ones are
 * dropped (an older page brings them back). Anchoring an anchored log changes nothing.
 */
export function anchorLog(log: EventLog, firstSeq: number): MergeResult {
  if (log.firstSeq !== null) return { log, added: [], duplicates: 0, older: 0, gap: gapOf(log) }
  const start = Math.max(1, Math.floor(firstSeq))
  const anchored: EventLog = { events: [], firstSeq: start, lastSeq: start - 1, held: new Map() }
  const result = mergeEvents(anchored, [...log.held.values()])
  return { ...result, duplicates: 0 }
}

/**
 * Merges events from any source. Before anchoring they are only held. After: duplicates are
 * dropped, contiguous events join the window, later ones are held behind the gap.
 */
export function mergeEvents(log: EventLog, incoming: readonly EventRow[]): MergeResult {
  const held = new Map(log.held)
  let duplicates = 0
  let older = 0
  for (const event of incoming) {
    const seq = event.seq
    if (!Number.isInteger(seq) || seq < 1) continue
    if (log.firstSeq !== null && seq < log.firstSeq) {
      older++
    } else if ((log.firstSeq !== null && seq <= log.lastSeq) || held.has(seq)) {
      duplicates++
    } else {
      held.set(seq, event)
    }
  }
  if (log.firstSeq === null) {
    return { log: { ...log, held }, added: [], duplicates, older, gap: null }
  }
  const added: EventRow[] = []
  let lastSeq = log.lastSeq
  for (let next = held.get(lastSeq + 1); next; next = held.get(lastSeq + 1)) {
    held.delete(lastSeq + 1)
    added.push(next)
    lastSeq++
  }
  const merged: EventLog = {
    events: added.length > 0 ? [...log.events, ...added] : log.events,
    firstSeq: log.firstSeq,
    lastSeq,
    held,
  }
  return { log: merged, added, duplicates, older, gap: gapOf(merged) }
}

/**
 * Prepends a page of older events (any order). Only the part that is contiguous with the
 * window's start is kept, so the window never gets a hole; the rest can be fetched again.
 */
export function prependOlder(log: EventLog, page: readonly EventRow[]): MergeResult {
  if (log.firstSeq === null) return { log, added: [], duplicates: 0, older: 0, gap: null }
  const bySeq = new Map<number, EventRow>()
  let duplicates = 0
  for (const event of page) {
    if (event.seq >= log.firstSeq || bySeq.has(event.seq)) duplicates++
    else if (Number.isInteger(event.seq) && event.seq >= 1) bySeq.set(event.seq, event)
  }
  const added: EventRow[] = []
  let firstSeq = log.firstSeq
  for (let previous = bySeq.get(firstSeq - 1); previous; previous = bySeq.get(firstSeq - 1)) {
    added.unshift(previous)
    firstSeq--
  }
  if (added.length === 0) return { log, added, duplicates, older: 0, gap: gapOf(log) }
  const merged: EventLog = { ...log, events: [...added, ...log.events], firstSeq }
  return { log: merged, added, duplicates, older: 0, gap: gapOf(merged) }
}

/** How far the window is behind a known last seq (e.g. runs.last_seq): the range to fetch, or null. */
export function missingTail(log: EventLog, knownLastSeq: number): Gap | null {
  if (log.firstSeq === null || knownLastSeq <= log.lastSeq) return null
  const gap = gapOf(log)
  return gap ?? { from: log.lastSeq + 1, to: knownLastSeq }
}
