// Line diffs of Spec Kit documents: which lines of one text another replaced, as hunks over the
// first text's lines. The three-way merge and the history's diffs both stand on it, in the plugin
// and in the Edge Function alike (a run's proposal is a diff against a revision).
import { diffArrays } from 'diff'

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

/** The hunks that turn `before` into `after`, in order, none overlapping or touching another. */
export function lineHunks(before: readonly string[], after: readonly string[]): LineHunk[] {
  const hunks: LineHunk[] = []
  let at = 0
  let open: { start: number; end: number; lines: string[] } | null = null
  for (const change of diffArrays([...before], [...after])) {
    if (change.added || change.removed) {
      open ??= { start: at, end: at, lines: [] }
      if (change.removed) {
        open.end += change.count
        at += change.count
      } else open.lines.push(...change.value)
      continue
    }
    if (open !== null) hunks.push(open)
    open = null
    at += change.count
  }
  if (open !== null) hunks.push(open)
  return hunks
}
