/** A unified diff (a `diff` artifact) cut into lines with a kind each, for +/- colouring as text. */

type DiffLineKind = 'added' | 'removed' | 'hunk' | 'header' | 'context'

export interface DiffLine {
  kind: DiffLineKind
  text: string
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/

/**
 * Inside a hunk the header's line counts say how many lines belong to it, so a removed line that
 * reads "-- x" is a removal, not a file header; outside hunks every line is a header line.
 */
export function diffLines(diff: string): DiffLine[] {
  const lines = diff.replace(/\r\n?/g, '\n').split('\n')
  // A diff ends with a newline; that last empty piece is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const hasHunks = lines.some((line) => HUNK.test(line))
  let oldLeft = 0
  let newLeft = 0
  return lines.map((text): DiffLine => {
    if (oldLeft > 0 || newLeft > 0) {
      if (text.startsWith('\\')) return { kind: 'header', text }
      if (text.startsWith('+')) {
        newLeft--
        return { kind: 'added', text }
      }
      if (text.startsWith('-')) {
        oldLeft--
        return { kind: 'removed', text }
      }
      oldLeft--
      newLeft--
      return { kind: 'context', text }
    }
    const hunk = HUNK.exec(text)
    if (hunk !== null) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1])
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2])
      return { kind: 'hunk', text }
    }
    return { kind: hasHunks ? 'header' : loneLineKind(text), text }
  })
}

/** Without hunk headers (a hand-written change list) only the first character can tell. */
function loneLineKind(text: string): DiffLineKind {
  if (text.startsWith('+++ ') || text.startsWith('--- ')) return 'header'
  if (text.startsWith('+')) return 'added'
  if (text.startsWith('-')) return 'removed'
  return 'context'
}

/** "+1 −0" for an artifact's header. */
export function diffStat(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0
  let removed = 0
  for (const line of lines) {
    if (line.kind === 'added') added++
    else if (line.kind === 'removed') removed++
  }
  return { added, removed }
}
