// The three-way merge of a stale save: the text both people started from (base), the version
// someone saved meanwhile (theirs) and the text not saved (mine). A change only one side made is
// kept; the same change made by both is kept once; where both changed the same lines differently
// the chunk is a conflict, and the merged text keeps both sides (theirs, then mine) unless the
// person drops one on purpose. Nothing anyone typed disappears silently.
import { lineHunks, splitLines, type LineHunk } from './line-diff.ts'

export type MergeChunk =
  /** Lines neither side changed. */
  | { readonly kind: 'same'; readonly lines: readonly string[] }
  /** Lines one side changed (or both, identically: `by` is 'both'); kept without asking. */
  | {
      readonly kind: 'change'
      readonly by: 'theirs' | 'mine' | 'both'
      readonly base: readonly string[]
      readonly lines: readonly string[]
    }
  /** Both sides changed these base lines, differently. */
  | { readonly kind: 'conflict'; readonly base: readonly string[]; readonly theirs: readonly string[]; readonly mine: readonly string[] }

/** What the merged text keeps of one conflict. */
export type ConflictChoice = 'both' | 'theirs' | 'mine'

/** Do two hunks touch the same base lines? An insertion also meets a change right beside it. */
function overlaps(a: LineHunk, b: LineHunk): boolean {
  if (a.start === a.end || b.start === b.end) return a.start <= b.end && b.start <= a.end
  return a.start < b.end && b.start < a.end
}

/** One side's text of base lines [start, end), given that side's hunks inside that range. */
function sideText(base: readonly string[], start: number, end: number, hunks: readonly LineHunk[]): string[] {
  const out: string[] = []
  let at = start
  for (const hunk of hunks) {
    out.push(...base.slice(at, hunk.start), ...hunk.lines)
    at = hunk.end
  }
  out.push(...base.slice(at, end))
  return out
}

const sameLines = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((line, i) => line === b[i])

export function threeWayMerge(baseText: string, theirsText: string, mineText: string): MergeChunk[] {
  const base = splitLines(baseText)
  const theirs = lineHunks(base, splitLines(theirsText)).map((hunk) => ({ hunk, side: 'theirs' as const }))
  const mine = lineHunks(base, splitLines(mineText)).map((hunk) => ({ hunk, side: 'mine' as const }))
  // Theirs first at the same start, so an insertion both made reads in that order.
  const all = [...theirs, ...mine].sort((a, b) => a.hunk.start - b.hunk.start || a.hunk.end - b.hunk.end)

  // Hunks that overlap (directly or through another) form one group over one base range.
  const groups: { start: number; end: number; members: typeof all }[] = []
  for (const entry of all) {
    const last = groups[groups.length - 1]
    if (last !== undefined && overlaps({ start: last.start, end: last.end, lines: [] }, entry.hunk)) {
      last.end = Math.max(last.end, entry.hunk.end)
      last.members.push(entry)
    } else groups.push({ start: entry.hunk.start, end: entry.hunk.end, members: [entry] })
  }

  const chunks: MergeChunk[] = []
  const pushSame = (lines: readonly string[]) => {
    if (lines.length > 0) chunks.push({ kind: 'same', lines })
  }
  let at = 0
  for (const group of groups) {
    pushSame(base.slice(at, group.start))
    const groupBase = base.slice(group.start, group.end)
    const ofSide = (side: 'theirs' | 'mine') => group.members.filter((member) => member.side === side).map((member) => member.hunk)
    const theirHunks = ofSide('theirs')
    const myHunks = ofSide('mine')
    const theirLines = sideText(base, group.start, group.end, theirHunks)
    const myLines = sideText(base, group.start, group.end, myHunks)
    if (myHunks.length === 0) chunks.push({ kind: 'change', by: 'theirs', base: groupBase, lines: theirLines })
    else if (theirHunks.length === 0) chunks.push({ kind: 'change', by: 'mine', base: groupBase, lines: myLines })
    else if (sameLines(theirLines, myLines)) chunks.push({ kind: 'change', by: 'both', base: groupBase, lines: theirLines })
    else chunks.push({ kind: 'conflict', base: groupBase, theirs: theirLines, mine: myLines })
    at = group.end
  }
  pushSame(base.slice(at))
  return chunks
}

/** The merged text: conflicts as chosen by their index among the conflicts ('both' when not chosen). */
export function mergedText(chunks: readonly MergeChunk[], choices: ReadonlyMap<number, ConflictChoice> = new Map()): string {
  const lines: string[] = []
  let conflict = 0
  for (const chunk of chunks) {
    if (chunk.kind === 'conflict') {
      const choice = choices.get(conflict++) ?? 'both'
      if (choice !== 'mine') lines.push(...chunk.theirs)
      if (choice !== 'theirs') lines.push(...chunk.mine)
    } else lines.push(...chunk.lines)
  }
  return lines.join('\n')
}

/** How many chunks are real conflicts. */
export function conflictCount(chunks: readonly MergeChunk[]): number {
  return chunks.filter((chunk) => chunk.kind === 'conflict').length
}
