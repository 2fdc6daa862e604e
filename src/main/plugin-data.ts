/**
 * What one plugin data entry on a node may hold, and how text is cut to fit. Figma refuses an
 * entry whose plugin id, key and value together exceed 100 kB (@figma/plugin-typings,
 * BaseNodeMixin.setPluginData: "The total size of your entry (pluginId, key, value) cannot exceed
 * 100 kB"). The typings say neither whether a kB is 1000 or 1024 bytes nor how the size is
 * counted, so the budget takes the smaller, 100,000 bytes of UTF-8.
 */

export const PLUGIN_DATA_ENTRY_LIMIT_BYTES = 100_000

/** Ends every text that was cut, on the canvas and in stored data, so a reader knows there was more. */
const TRUNCATED_MARK = '… (truncated)'

/** UTF-8 length of `text`, counted by hand: TextEncoder is no ECMAScript built-in, and Figma does not document one on its main thread. */
export function utf8ByteLength(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4 // a surrogate pair is one code point of four bytes
      i++
    } else bytes += 3 // the rest of the BMP, and a lone surrogate (encoded as U+FFFD)
  }
  return bytes
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff

/** The first `count` code points of `text` (never half of a surrogate pair). */
function codePointPrefix(points: string[], count: number): string {
  return points.slice(0, count).join('')
}

/** `text` cut to at most `maxChars` code points, mark included, when it is longer. */
export function truncateText(text: string, maxChars: number): string {
  const points = Array.from(text)
  if (points.length <= maxChars) return text
  return codePointPrefix(points, Math.max(0, maxChars - Array.from(TRUNCATED_MARK).length)) + TRUNCATED_MARK
}

/**
 * The longest cut of `text` (ending with the mark) that `fits`, or `text` itself when it fits
 * whole; just the mark when nothing of it fits. `fits` must hold for shorter text whenever it holds
 * for longer, which is what a byte budget does.
 */
export function fitText(text: string, fits: (candidate: string) => boolean): string {
  if (fits(text)) return text
  const points = Array.from(text)
  let low = 0 // a prefix of `low` code points fits (or low is 0)
  let high = points.length - 1
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(codePointPrefix(points, middle) + TRUNCATED_MARK)) low = middle
    else high = middle - 1
  }
  return codePointPrefix(points, low) + TRUNCATED_MARK
}
