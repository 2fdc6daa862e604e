/**
 * Lowercase words of a text with accents, punctuation and emoji dropped, so "Roll-back!!" and
 * "roll back" read the same.
 */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
}

/** Curly quotes typed by autocorrecting keyboards read as straight ones. */
export function straightenQuotes(text: string): string {
  return text.replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"').replace(/[\u2018\u2019\u201a]/g, "'")
}
