/** 1-based line and column of a character in a source text. */
export interface SourcePosition {
  line: number
  column: number
}

/** Maps character offsets to lines and columns with a binary search over line starts. */
export function lineIndex(text: string): (offset: number) => SourcePosition {
  const starts = [0]
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // "\r\n" counts once; a lone "\r" ends a line too, as it does for the YAML loader.
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1)
  }
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length))
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (starts[mid] <= at) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: at - starts[low] + 1 }
  }
}
