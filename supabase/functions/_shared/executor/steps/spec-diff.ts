/**
 * The unified diff of a spec step's proposal, in time linear in the documents' size: lines the two
 * versions share at the start and the end are set aside without comparing anything else, and only
 * the changed region between them is compared line by line (a longest-common-subsequence diff,
 * whose cost grows with the square of its lines) — when it is small enough. A larger changed
 * region is shown as one replacement hunk (its old lines removed, its new lines added): still an
 * exact diff that applies, only not the shortest one.
 */
import { formatPatch, linesWithEnds, patchHunks, printLine, type PatchHunk } from '../../spec/unified-diff.ts'
import { utf8Bytes } from '../log-bytes.ts'

/** Changed lines (removed plus added) compared line by line; more are shown as one replacement. */
export const MAX_COMPARED_LINES = 1000
/** Bytes of the changed region compared line by line; more are shown as one replacement. */
export const MAX_COMPARED_BYTES = 128 * 1024
const CONTEXT_LINES = 4

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

export function proposalDiff(before: string, after: string, names: DiffNames): ProposalDiff {
  const oldLines = linesWithEnds(before)
  const newLines = linesWithEnds(after)
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

  let hunks: PatchHunk[] = []
  let replacement: ProposalDiff['replacement']
  if (changedLines > 0 && changedLines <= MAX_COMPARED_LINES && changedBytes <= MAX_COMPARED_BYTES) {
    // The line diff sets the shared start and end aside itself, so only the changed region is compared.
    hunks = patchHunks(oldLines, newLines, CONTEXT_LINES)
  } else if (changedLines > 0) {
    replacement = { lines: changedLines, bytes: changedBytes }
    const lines: string[] = []
    for (const line of oldLines.slice(first, prefix)) printLine(' ', line, lines)
    for (const line of removedLines) printLine('-', line, lines)
    for (const line of addedLines) printLine('+', line, lines)
    for (const line of oldLines.slice(oldLines.length - suffix, oldLines.length - suffix + trail)) printLine(' ', line, lines)
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
  const patch = formatPatch(names, hunks, { underline: true })
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
