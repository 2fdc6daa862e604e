/** Search in the log: which lines match, where in a line, and moving between matches. */
import type { EventLevel, EventRow } from '../../client/types.ts'
import type { LogIndex } from './log-rows.ts'

export interface TextSegment {
  text: string
  match: boolean
}

/** Case-insensitive, plain text (no patterns): people paste ids and URLs full of symbols. */
function normalizeQuery(query: string): string {
  return query.trim().toLowerCase()
}

/** Seqs of the lines whose message contains the query, in log order. */
export function matchingSeqs(events: readonly EventRow[], query: string): number[] {
  const needle = normalizeQuery(query)
  if (needle === '') return []
  const seqs: number[] = []
  for (const event of events) if (event.message.toLowerCase().includes(needle)) seqs.push(event.seq)
  return seqs
}

/**
 * One query over a log that grows: the lines it has read keep their matches, and only lines
 * added since are read next time (a few thousand at a time, from the store's packed text). A long log is read a slice at a time (`scan` stops after its
 * time budget), so typing a query never freezes the page: the matches fill in over a few frames.
 * A log grouped again (older lines put in front) is read again from its start.
 */
export class LogSearch {
  /** Seqs of the matching lines read so far, in log order (it only grows). */
  readonly seqs: number[] = []
  private scanned = 0
  private generation = -1
  private readonly needle: string

  constructor(
    query: string,
    private readonly minLevel: EventLevel,
  ) {
    this.needle = normalizeQuery(query)
  }

  /** Every line of the log has been read. */
  done(index: LogIndex): boolean {
    return this.needle === '' || (this.generation === index.generation && this.scanned === index.size)
  }

  /** Reads lines not read yet, for at most `budgetMs`; true when every line has been read. */
  scan(index: LogIndex, budgetMs: number, now: () => number = () => performance.now()): boolean {
    if (this.needle === '') return true
    if (this.generation !== index.generation) {
      this.generation = index.generation
      this.scanned = 0
      this.seqs.length = 0
    }
    const events = index.events
    const deadline = now() + budgetMs
    const found = (i: number) => {
      if (index.passes(i, this.minLevel)) this.seqs.push(events.seqAt(i))
    }
    while (this.scanned < index.size) {
      const end = Math.min(index.size, this.scanned + 4096)
      events.findMessages(this.scanned, end, this.needle, found)
      this.scanned = end
      if (now() >= deadline) break
    }
    return this.scanned === index.size
  }
}

/** A line cut into plain and matching parts, so matches are highlighted without any HTML. */
export function highlightSegments(text: string, query: string): TextSegment[] {
  const needle = normalizeQuery(query)
  if (needle === '' || text === '') return text === '' ? [] : [{ text, match: false }]
  const haystack = text.toLowerCase()
  const segments: TextSegment[] = []
  let from = 0
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (at > from) segments.push({ text: text.slice(from, at), match: false })
    segments.push({ text: text.slice(at, at + needle.length), match: true })
    from = at + needle.length
  }
  if (from < text.length) segments.push({ text: text.slice(from), match: false })
  return segments
}

/** Next (+1) or previous (-1) match, wrapping around; -1 when there are none. */
export function stepMatch(current: number, total: number, direction: 1 | -1): number {
  if (total <= 0) return -1
  if (current < 0 || current >= total) return direction === 1 ? 0 : total - 1
  return (current + direction + total) % total
}

/**
 * "3 of 12", or "No matches" for a query that finds nothing. While a long log is still being
 * searched the count is not final: "Searching…" until a match is found, then "3 of 12 so far".
 */
export function matchCounter(current: number, total: number, searching = false): string {
  if (total === 0) return searching ? 'Searching…' : 'No matches'
  return `${current < 0 ? 0 : current + 1} of ${total}${searching ? ' so far' : ''}`
}
