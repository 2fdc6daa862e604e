/** Search in the log: which lines match, where in a line, and moving between matches. */
import type { EventRow } from '../../client/types.ts'

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

/** "3 of 12", or "No matches" for a query that finds nothing. */
export function matchCounter(current: number, total: number): string {
  if (total === 0) return 'No matches'
  return `${current < 0 ? 0 : current + 1} of ${total}`
}
