const MASK = '***'

/**
 * Values this short are masked only where they stand alone (not inside a longer word or
 * number): a secret "abc" still hides in "key=abc", but every "a" in a log is not erased.
 */
const SHORT_SECRET_LENGTH = 4

/**
 * Each line of a multi-line secret (a PEM key) is masked on its own when it is at least this
 * long once trimmed: a key's 64-character body lines go wherever they are, while its short
 * lines ("-----END", a last line of a few characters) do not erase ordinary text.
 */
export const MIN_SECRET_LINE_LENGTH = 16

interface Needle {
  text: string
  wholeWordOnly: boolean
}

/** A function that replaces every occurrence of the secrets it was made with by "***". */
export type Mask = (text: string) => string

/**
 * Returns a function that replaces every occurrence of the given secret values with "***", in
 * every form a stored text could carry them: the raw value; JSON-escaped (once, and twice for
 * JSON inside JSON; also with every non-ASCII character as \uXXXX); URL-encoded
 * (encodeURIComponent, form encoding with "+" for spaces, lowercase hex); base64 and base64url
 * (at any alignment, as inside a basic-auth header); and, for a multi-line secret, each line of
 * at least MIN_SECRET_LINE_LENGTH characters. Overlapping matches are merged, so two secrets
 * never leave a piece showing.
 */
export function createMasker(secretValues: readonly string[]): Mask {
  const needles = uniqueNeedles(secretValues.flatMap(needlesFor))
  if (needles.length === 0) return (text) => text
  return (text) => {
    const spans: Array<[number, number]> = []
    for (const needle of needles) {
      for (let at = text.indexOf(needle.text); at !== -1; at = text.indexOf(needle.text, at + 1)) {
        const end = at + needle.text.length
        if (needle.wholeWordOnly && (isWordChar(text[at - 1]) || isWordChar(text[end]))) continue
        spans.push([at, end])
      }
    }
    if (spans.length === 0) return text
    spans.sort((a, b) => a[0] - b[0])
    let out = ''
    let cursor = 0
    let [start, end] = spans[0]
    for (const [from, to] of spans.slice(1)) {
      if (from <= end) end = Math.max(end, to)
      else {
        out += text.slice(cursor, start) + MASK
        cursor = end
        ;[start, end] = [from, to]
      }
    }
    return out + text.slice(cursor, start) + MASK + text.slice(end)
  }
}

/**
 * Masks every string inside a JSON value: values and keys. Copy on write: a value with nothing to
 * mask is returned as it is (no copy, no JSON round trip), and only the objects and arrays on the
 * way to a masked string are copied, so the caller's value is never changed.
 */
export function maskDeep<T>(value: T, mask: Mask): T {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- maskValue returns the same shape with strings swapped for strings, which TypeScript cannot express
  return maskValue(value, mask) as T
}

function maskValue(value: unknown, mask: Mask): unknown {
  if (typeof value === 'string') return mask(value)
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const masked = maskValue(item, mask)
      if (masked !== item) (copy ??= value.slice())[i] = masked
    }
    return copy ?? value
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
    let changed = false
    const masked = entries.map(([key, item]): [string, unknown] => {
      const maskedKey = mask(key)
      const maskedItem = maskValue(item, mask)
      if (maskedKey !== key || maskedItem !== item) changed = true
      return [maskedKey, maskedItem]
    })
    // fromEntries defines keys as data, so a "__proto__" key stays a plain key.
    return changed ? Object.fromEntries(masked) : value
  }
  return value
}

function needlesFor(secret: string): Needle[] {
  if (secret === '') return []
  if (secret.length < SHORT_SECRET_LENGTH) return [{ text: secret, wholeWordOnly: true }]
  const lines = secret.split(/\r?\n/)
  const variants = new Set([secret])
  if (lines.length > 1) {
    // The same text with the other line ending, and each distinctive line on its own.
    variants.add(lines.join('\n'))
    variants.add(lines.join('\r\n'))
    for (const line of lines) if (line.trim().length >= MIN_SECRET_LINE_LENGTH) variants.add(line.trim())
  }
  const forms = new Set<string>()
  for (const variant of variants) for (const form of formsOf(variant)) forms.add(form)
  return [...forms].filter((form) => form.length >= SHORT_SECRET_LENGTH).map((text) => ({ text, wholeWordOnly: false }))
}

/** The encodings of one text a log, a URL or a header may carry. */
function formsOf(text: string): string[] {
  const json = JSON.stringify(text).slice(1, -1)
  const uri = encodeURIComponent(text)
  const bytes = new TextEncoder().encode(text)
  const base64 = [toBase64(bytes), ...base64Fragments(bytes)]
  return [
    text,
    json,
    JSON.stringify(json).slice(1, -1),
    asciiJson(json),
    uri,
    uri.replace(/%20/g, '+'),
    lowerHex(uri),
    new URLSearchParams({ x: text }).toString().slice(2),
    ...base64,
    ...base64.map(toBase64Url),
  ]
}

/** Longest first, so a form inside a longer one never decides where a mask starts. */
function uniqueNeedles(needles: Needle[]): Needle[] {
  const seen = new Map<string, Needle>()
  for (const needle of needles) if (!seen.has(needle.text) || !needle.wholeWordOnly) seen.set(needle.text, needle)
  return [...seen.values()].sort((a, b) => b.text.length - a.text.length)
}

/** JSON text with every non-ASCII character escaped, as ASCII-only serializers write it. */
function asciiJson(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Base64 of a secret depends on where it starts within a 3-byte group, so encode it after 0, 1
 * and 2 filler bytes and keep only the characters that come from the secret's bytes alone.
 */
function base64Fragments(bytes: Uint8Array): string[] {
  const fragments: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length)
    padded.set(bytes, shift)
    const encoded = toBase64(padded).replace(/=+$/, '')
    const skip = [0, 2, 3][shift]
    // The last character is shared with whatever byte follows the secret, unless the group is full.
    const keep = (shift + bytes.length) % 3 === 0 ? encoded.length : encoded.length - 1
    fragments.push(encoded.slice(skip, keep))
  }
  return fragments
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9]/.test(c)
}
