/**
 * The text of many lines packed into a few long strings: a column of a run's log (its messages)
 * costs about its raw text, not a string object per line. Lines are gathered until a chunk is
 * full, then joined into one string with the end offset of each line beside it (messages may hold
 * newlines, so no separator is used). A chunk never changes once sealed, so a copy of the column
 * with older lines in front shares the chunks.
 */

/** Lines per sealed chunk, and the text size that seals a chunk earlier (very long lines). */
const CHUNK_LINES = 4096
const CHUNK_CHARS = 1 << 20

interface Chunk {
  readonly text: string
  /** ends[k]: where line k of the chunk ends in `text` (it starts where line k - 1 ends). */
  readonly ends: Int32Array
  /** Only printable ASCII and line breaks: lower-casing it keeps every offset. */
  readonly ascii: boolean
}

/** Printable ASCII, tabs and line breaks: lower-casing a chunk of only these keeps every offset (other text is searched line by line). */
const NOT_ASCII = /[^\t\n\r -~]/

function seal(lines: readonly string[]): Chunk {
  const ends = new Int32Array(lines.length)
  let end = 0
  for (let k = 0; k < lines.length; k++) {
    end += lines[k].length
    ends[k] = end
  }
  const text = lines.join('')
  return { text, ends, ascii: !NOT_ASCII.test(text) }
}

export class PackedText {
  private readonly chunks: Chunk[] = []
  /** Index of each sealed chunk's first line. */
  private readonly starts: number[] = []
  /** Lines after the sealed chunks, not joined yet. */
  private open: string[] = []
  private openStart = 0
  private openChars = 0
  /** The chunk the last lookup landed in: reads of nearby lines skip the search. */
  private recent = 0

  get count(): number {
    return this.openStart + this.open.length
  }

  push(line: string): void {
    this.open.push(line)
    this.openChars += line.length
    if (this.open.length >= CHUNK_LINES || this.openChars >= CHUNK_CHARS) this.sealOpen()
  }

  /** The line at `index` (0 ≤ index < count). */
  at(index: number): string {
    if (index >= this.openStart) return this.open[index - this.openStart]
    const c = this.chunkOf(index)
    const { text, ends } = this.chunks[c]
    const k = index - this.starts[c]
    return text.slice(k === 0 ? 0 : ends[k - 1], ends[k])
  }

  /** A column with `lines` in front of these (which it shares, unchanged). */
  withFront(lines: readonly string[]): PackedText {
    const next = new PackedText()
    for (const line of lines) next.push(line)
    next.sealOpen()
    const shift = next.count
    for (let c = 0; c < this.chunks.length; c++) {
      next.chunks.push(this.chunks[c])
      next.starts.push(this.starts[c] + shift)
    }
    next.open = [...this.open]
    next.openStart = this.openStart + shift
    next.openChars = this.openChars
    return next
  }

  /**
   * Calls `found` with the index of each line in [from, to) whose lower-cased text contains
   * `needle` (already lower-cased, not empty), in order. A chunk of ASCII text is lower-cased and
   * searched whole; a hit that runs over a line's end is no match.
   */
  find(from: number, to: number, needle: string, found: (index: number) => void): void {
    let index = from
    while (index < to && index < this.openStart) {
      const c = this.chunkOf(index)
      const chunk = this.chunks[c]
      const start = this.starts[c]
      const last = Math.min(to, start + chunk.ends.length)
      if (chunk.ascii) findInChunk(chunk, start, index, last, needle, found)
      else for (let i = index; i < last; i++) if (this.at(i).toLowerCase().includes(needle)) found(i)
      index = last
    }
    for (; index < to; index++) if (this.open[index - this.openStart].toLowerCase().includes(needle)) found(index)
  }

  private sealOpen(): void {
    if (this.open.length === 0) return
    this.chunks.push(seal(this.open))
    this.starts.push(this.openStart)
    this.openStart += this.open.length
    this.open = []
    this.openChars = 0
  }

  private chunkOf(index: number): number {
    const recent = this.recent
    if (recent < this.chunks.length && this.starts[recent] <= index && index < this.starts[recent] + this.chunks[recent].ends.length)
      return recent
    let low = 0
    let high = this.starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (this.starts[middle] <= index) low = middle
      else high = middle - 1
    }
    this.recent = low
    return low
  }
}

/** Lines [from, to) of one ASCII chunk whose chunk starts at line `start`. */
function findInChunk(chunk: Chunk, start: number, from: number, to: number, needle: string, found: (index: number) => void): void {
  const { ends } = chunk
  const lineStart = (k: number) => (k === 0 ? 0 : ends[k - 1])
  const base = lineStart(from - start)
  const haystack = chunk.text.slice(base, ends[to - start - 1]).toLowerCase()
  let k = from - start
  let at = haystack.indexOf(needle)
  while (at !== -1) {
    const position = base + at
    while (ends[k] <= position) k++
    if (position + needle.length <= ends[k]) found(start + k)
    // One match per line: go on from the end of the line the hit starts in.
    if (k + 1 >= to - start) break
    at = haystack.indexOf(needle, ends[k] - base)
  }
}
