// Unified diffs (the `--- / +++ / @@` text `diff -u` and `git diff` print) built on our line diff:
// what the plugin's diff views show and what a spec step stores as its proposal's patch. A line
// without a final newline is followed by "\ No newline at end of file", as `patch` expects.
import { lineHunks } from './line-diff.ts'

/** One `@@` block: 1-based starts, line counts, and its lines as printed (sign, text without "\n"). */
export interface PatchHunk {
  readonly oldStart: number
  readonly oldLines: number
  readonly newStart: number
  readonly newLines: number
  readonly lines: readonly string[]
}

interface PatchNames {
  readonly oldName: string
  readonly newName: string
  /** Printed after the name and a tab on the `---` / `+++` line (a date, a version). */
  readonly oldHeader?: string
  readonly newHeader?: string
}

export const NO_NEWLINE = '\\ No newline at end of file'

/** `text` cut into lines that keep their "\n" (the last one may have none). */
export function linesWithEnds(text: string): string[] {
  const lines: string[] = []
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start)
    if (end === -1) {
      lines.push(text.slice(start))
      break
    }
    lines.push(text.slice(start, end + 1))
    start = end + 1
  }
  return lines
}

/** A line as a hunk prints it: its sign, its text without "\n", and the no-newline marker when it has none. */
export function printLine(sign: ' ' | '-' | '+', line: string, into: string[]): void {
  if (line.endsWith('\n')) into.push(sign + line.slice(0, -1))
  else into.push(sign + line, NO_NEWLINE)
}

/** The hunks that turn `oldLines` into `newLines` (lines keeping their "\n"), with `context` unchanged lines around each change; changes closer than twice that share a hunk. */
export function patchHunks(oldLines: readonly string[], newLines: readonly string[], context: number): PatchHunk[] {
  const changes = lineHunks(oldLines, newLines)
  const hunks: PatchHunk[] = []
  let shift = 0 // new line index minus old line index before the next change
  for (let first = 0; first < changes.length;) {
    let last = first
    while (last + 1 < changes.length && changes[last + 1].start - changes[last].end <= 2 * context) last++
    const from = Math.max(0, changes[first].start - context)
    const to = Math.min(oldLines.length, changes[last].end + context)
    const lines: string[] = []
    let at = from
    let added = 0
    let removed = 0
    for (let i = first; i <= last; i++) {
      const change = changes[i]
      for (; at < change.start; at++) printLine(' ', oldLines[at], lines)
      for (; at < change.end; at++) printLine('-', oldLines[at], lines)
      for (const line of change.lines) printLine('+', line, lines)
      removed += change.end - change.start
      added += change.lines.length
    }
    for (; at < to; at++) printLine(' ', oldLines[at], lines)
    const oldCount = to - from
    hunks.push({ oldStart: from + 1, oldLines: oldCount, newStart: from + shift + 1, newLines: oldCount - removed + added, lines })
    shift += added - removed
    first = last + 1
  }
  return hunks
}

/** The patch text: an optional `=====` line, the `---` / `+++` lines, then each hunk. */
export function formatPatch(names: PatchNames, hunks: readonly PatchHunk[], options: { underline?: boolean } = {}): string {
  const out: string[] = []
  if (options.underline === true) out.push('='.repeat(67))
  out.push(`--- ${names.oldName}${names.oldHeader ? `\t${names.oldHeader}` : ''}`)
  out.push(`+++ ${names.newName}${names.newHeader ? `\t${names.newHeader}` : ''}`)
  for (const hunk of hunks) {
    // An empty side is named by the line before it, as `diff -u` does.
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart
    out.push(`@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`, ...hunk.lines)
  }
  return `${out.join('\n')}\n`
}

/** The unified diff of two texts under two names, with `context` unchanged lines around each change. */
export function unifiedDiff(before: string, after: string, names: PatchNames, options: { context: number; underline?: boolean }): string {
  return formatPatch(names, patchHunks(linesWithEnds(before), linesWithEnds(after), options.context), options)
}
