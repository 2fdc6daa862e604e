/**
 * The unified diff of a spec step's proposal, in time linear in the documents' size: lines the two
 * versions share at the start and the end are set aside without comparing anything else, and only
 * the changed region between them is compared line by line (a longest-common-subsequence diff,
 * whose cost grows with the square of its lines) — when it is small enough. A larger changed
 * region is shown as one replacement hunk (its old lines removed, its new lines added): still an
 * exact diff that applies, only not the shortest one.
 */
import { formatPatch, structuredPatch, type StructuredPatchHunk } from 'diff'
import { utf8Bytes } from '../log-bytes.ts'

/** Changed lines (removed plus added) compared line by line; more are shown as one replacement. */
export const MAX_COMPARED_LINES = 1000
/** Bytes of the changed region compared line by line; more are shown as one replacement. */
export const MAX_COMPARED_BYTES = 128 * 1024
const CONTEXT_LINES = 4
const NO_NEWLINE = '\\ No newline at end of file'

export interface ProposalDiff {
  patch: string
  added: number
  removed: number
  /** Set when the changed region was too large to compare line by line: its size, in lines and bytes. */
  replacement?: { lines: number; bytes: number }
}

export interface DiffNames {
  oldName: string
  newName: string
  oldHeader: string
  newHeader: string
}

/** `text` cut into lines that keep their "\n" (the last one may have none), as jsdiff cuts them. */
function splitLines(text: string): string[] {
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

export function proposalDiff(before: string, after: string, names: DiffNames): ProposalDiff {
  const oldLines = splitLines(before)
  const newLines = splitLines(after)
  let prefix = 0
  while (prefix < oldLines.length && prefix < newLines.length && oldLines[prefix] === newLines[prefix]) prefix++
  let suffix = 0
  while (
    suffix < oldLines.length - prefix &&
    suffix < newLines.length - prefix &&
    oldLines[oldLines.length - 1 - suffix] === newLines[newLines.length - 1 - suffix]
  ) {
    suffix++
  }
  const removedLines = oldLines.slice(prefix, oldLines.length - suffix)
  const addedLines = newLines.slice(prefix, newLines.length - suffix)
  const lead = Math.min(CONTEXT_LINES, prefix)
  const trail = Math.min(CONTEXT_LINES, suffix)
  const first = prefix - lead
  const changedLines = removedLines.length + addedLines.length
  const changedBytes = utf8Bytes(removedLines.join('')) + utf8Bytes(addedLines.join(''))

  let hunks: StructuredPatchHunk[] = []
  let replacement: ProposalDiff['replacement']
  if (changedLines > 0) {
    const compared =
      changedLines <= MAX_COMPARED_LINES && changedBytes <= MAX_COMPARED_BYTES
        ? structuredPatch(
            '',
            '',
            oldLines.slice(first, oldLines.length - suffix + trail).join(''),
            newLines.slice(first, newLines.length - suffix + trail).join(''),
            undefined,
            undefined,
            { context: CONTEXT_LINES, maxEditLength: MAX_COMPARED_LINES },
          )
        : undefined
    if (compared) {
      // The window started `first` lines into both documents.
      hunks = compared.hunks.map((hunk) => ({ ...hunk, oldStart: hunk.oldStart + first, newStart: hunk.newStart + first }))
    } else {
      replacement = { lines: changedLines, bytes: changedBytes }
      const lines: string[] = []
      const add = (sign: string, line: string) => {
        lines.push(sign + (line.endsWith('\n') ? line.slice(0, -1) : line))
        if (!line.endsWith('\n')) lines.push(NO_NEWLINE)
      }
      for (const line of oldLines.slice(first, prefix)) add(' ', line)
      for (const line of removedLines) add('-', line)
      for (const line of addedLines) add('+', line)
      for (const line of oldLines.slice(oldLines.length - suffix, oldLines.length - suffix + trail)) add(' ', line)
      hunks = [
        {
          oldStart: first + 1,
          oldLines: lead + removedLines.length + trail,
          newStart: first + 1,
          newLines: lead + addedLines.length + trail,
          lines,
        },
      ]
    }
  }
  const patch = formatPatch({
    oldFileName: names.oldName,
    newFileName: names.newName,
    oldHeader: names.oldHeader,
    newHeader: names.newHeader,
    hunks,
  })
  let added = 0
  let removed = 0
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++
      else if (line.startsWith('-')) removed++
    }
  }
  return { patch, added, removed, ...(replacement ? { replacement } : {}) }
}
