import { mapStrings } from './json.ts'

const MASK = '***'

/**
 * Values this short are masked only where they stand alone (not inside a longer word or
 * number): a secret "abc" still hides in "key=abc", but every "a" in a log is not erased.
 */
const SHORT_SECRET_LENGTH = 4

interface Needle {
  text: string
  wholeWordOnly: boolean
}

/**
 * Returns a function that replaces every occurrence of the given secret values with "***":
 * the raw value, its URL-encoded form and its base64 form (at any alignment, as inside a
 * basic-auth header). Overlapping matches are merged, so two secrets never leave a piece showing.
 */
export function createMasker(secretValues: readonly string[]): (text: string) => string {
  const needles = secretValues.flatMap(needlesFor)
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

/** Masks every string inside a JSON value (values, not keys). */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  return mapStrings(value, mask)
}

function needlesFor(secret: string): Needle[] {
  if (secret === '') return []
  if (secret.length < SHORT_SECRET_LENGTH) return [{ text: secret, wholeWordOnly: true }]
  const bytes = new TextEncoder().encode(secret)
  // The whole encoding first (so its padding goes too), then the pieces found inside longer ones.
  const forms = new Set([secret, encodeURIComponent(secret), toBase64(bytes), ...base64Fragments(bytes)])
  return [...forms].filter((form) => form.length >= SHORT_SECRET_LENGTH).map((text) => ({ text, wholeWordOnly: false }))
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
