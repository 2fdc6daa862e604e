// Line diffs of Spec Kit documents and templates: which lines of one text another replaced, as
// hunks over the first text's lines. The three-way merge, the history's diffs and the unified
// diffs (unified-diff.ts) all stand on it, in the plugin and in the Edge Function alike (a run's
// proposal is a diff against a revision). Myers' O(ND) algorithm after the common start and end
// are set aside, so time grows with the size of the texts times the number of lines changed.

/** One change: base lines [start, end) (0-based; start === end is an insertion) became `lines`. */
export interface LineHunk {
  readonly start: number
  readonly end: number
  readonly lines: readonly string[]
}

/** A text as lines; "\r\n" and "\r" read as "\n", so a pasted Windows text does not differ on every line. */
export function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n')
}

/** One edit on a path through the edit graph: a line removed from (or added to) `before` at (x, y), after the edits before it. */
interface Edit {
  readonly previous: Edit | null
  readonly x: number
  readonly y: number
  readonly removes: boolean
}

/** The hunks that turn `before` into `after`, in order, none overlapping or touching another. */
export function lineHunks(before: readonly string[], after: readonly string[]): LineHunk[] {
  let head = 0
  while (head < before.length && head < after.length && before[head] === after[head]) head++
  let tail = 0
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) {
    tail++
  }
  const edits = shortestEdits(before.slice(head, before.length - tail), after.slice(head, after.length - tail))
  const hunks: LineHunk[] = []
  let open: { start: number; end: number; lines: string[]; x: number; y: number } | null = null
  for (const edit of edits) {
    // An edit that starts where the open hunk's last one ended extends it; any other starts a new one.
    if (open === null || open.x !== edit.x || open.y !== edit.y) {
      if (open !== null) hunks.push({ start: open.start, end: open.end, lines: open.lines })
      open = { start: head + edit.x, end: head + edit.x, lines: [], x: edit.x, y: edit.y }
    }
    if (edit.removes) {
      open.end++
      open.x++
    } else {
      open.lines.push(after[head + edit.y])
      open.y++
    }
  }
  if (open !== null) hunks.push({ start: open.start, end: open.end, lines: open.lines })
  return hunks
}

/**
 * The edits of a shortest edit script from `a` to `b`, in order (Myers 1986). Each diagonal keeps
 * only the newest edit of its furthest path, linked to the ones before it, so memory follows the
 * paths still in play rather than every step tried.
 */
function shortestEdits(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length
  const m = b.length
  if (n === 0 && m === 0) return []
  const max = n + m
  const offset = max + 1
  const furthest = new Int32Array(2 * max + 3)
  const paths = new Array<Edit | null>(2 * max + 3).fill(null)
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x: number
      let path: Edit | null
      if (d === 0) {
        x = 0
        path = null
      } else if (k === -d || (k !== d && furthest[offset + k - 1] < furthest[offset + k + 1])) {
        // Down from diagonal k + 1: line y of `b` added.
        x = furthest[offset + k + 1]
        path = { previous: paths[offset + k + 1], x, y: x - k - 1, removes: false }
      } else {
        // Right from diagonal k - 1: line x of `a` removed (preferred on a tie, so removals come first).
        const from = furthest[offset + k - 1]
        path = { previous: paths[offset + k - 1], x: from, y: from - k + 1, removes: true }
        x = from + 1
      }
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      furthest[offset + k] = x
      paths[offset + k] = path
      if (x >= n && y >= m) {
        const edits: Edit[] = []
        for (let edit = path; edit !== null; edit = edit.previous) edits.push(edit)
        return edits.reverse()
      }
    }
  }
  throw new Error('unreachable: a path of n + m edits always reaches the end')
}
