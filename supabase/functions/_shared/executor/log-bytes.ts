/**
 * Sizes of log lines and texts in UTF-8 bytes, how a limit is worded ("5 MB", "293 KB"), and a
 * preview of a long text that says how much was left out.
 */

/** The UTF-8 length of `text`, counted without encoding it. */
export function utf8Bytes(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) bytes += 1
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: two UTF-16 units, four UTF-8 bytes.
      bytes += 2
      i++
    } else bytes += 2
  }
  return bytes
}

/** What a log line costs: its message and its data as JSON. */
export function lineBytes(message: string, dataJson: string | undefined): number {
  return utf8Bytes(message) + (dataJson === undefined ? 0 : utf8Bytes(dataJson))
}

/** 5242880 → "5 MB", 300000 → "293 KB", 900 → "900 bytes" (1 KB = 1,024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} bytes`
}

/** The first `maxChars` characters of `text`, and "… [N more bytes not shown]" when it is longer. */
export function preview(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  // Never cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars
  return `${text.slice(0, end)}… [${utf8Bytes(text.slice(end)).toLocaleString('en-US')} more bytes not shown]`
}
