/**
 * Applies a unified diff to a text, as `patch` does but strictly: every context and removed line
 * must match where its hunk says, or it throws. The tests use it to show a diff we produce is
 * exact (applied to the old text it gives the new one).
 */
import { linesWithEnds, NO_NEWLINE } from '../../supabase/functions/_shared/spec/unified-diff.ts'

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/

export function applyPatch(text: string, patch: string): string {
  const source = linesWithEnds(text)
  const lines = patch.split('\n')
  const out: string[] = []
  let at = 0
  for (let i = 0; i < lines.length;) {
    const hunk = HUNK.exec(lines[i++])
    if (hunk === null) continue
    const oldCount = hunk[2] === undefined ? 1 : Number(hunk[2])
    const newCount = hunk[4] === undefined ? 1 : Number(hunk[4])
    // An empty old side names the line before the insertion.
    const start = oldCount === 0 ? Number(hunk[1]) : Number(hunk[1]) - 1
    if (start < at || start > source.length) throw new Error(`hunk ${lines[i - 1]} starts before the previous one ends or after the text`)
    out.push(...source.slice(at, start))
    at = start
    let oldSeen = 0
    let newSeen = 0
    while (oldSeen < oldCount || newSeen < newCount) {
      const line = lines[i++]
      if (line === undefined) throw new Error(`hunk ${hunk[0]} ends early`)
      const body = line.slice(1) + (lines[i] === NO_NEWLINE ? '' : '\n')
      if (lines[i] === NO_NEWLINE) i++
      if (line[0] === '+') {
        out.push(body)
        newSeen++
        continue
      }
      if (line[0] !== ' ' && line[0] !== '-') throw new Error(`not a hunk line: ${JSON.stringify(line)}`)
      if (source[at] !== body) throw new Error(`line ${at + 1} is ${JSON.stringify(source[at])}, the patch expects ${JSON.stringify(body)}`)
      at++
      oldSeen++
      if (line[0] === ' ') {
        out.push(body)
        newSeen++
      }
    }
  }
  out.push(...source.slice(at))
  return out.join('')
}
