/**
 * What one character of a pattern accepts: a code point, any code point, or a class. A class is
 * decided by the platform's RegExp built from that one class (`^[…]$` with the `u` flag, plus `i`
 * for case-insensitive patterns): a single character class has no quantifier, so it cannot
 * backtrack, and it brings Unicode properties and case folding without shipping their tables.
 * ASCII answers are looked up in a table computed once per class, other answers remembered.
 */

/**
 * A code point to equal, ANY_CHAR, ANY_CHAR_BUT_NEWLINE, or a test: the first three are checked
 * inline by the simulation, without a call.
 */
export type CharMatcher = number | ((codePoint: number) => boolean)

/** Inclusive code point ranges, sorted and disjoint. */
export type Ranges = ReadonlyArray<readonly [number, number]>

const MAX_CODE_POINT = 0x10ffff
/** Non-ASCII answers a class remembers: a value has at most 65,536 characters, a few scripts' worth. */
const MAX_REMEMBERED = 4096

export const ANY_CHAR = -1
export const ANY_CHAR_BUT_NEWLINE = -2

/** `\d \s \w` as RE2 defines them: ASCII only. */
export const PERL_CLASSES: ReadonlyMap<string, Ranges> = new Map(
  Object.entries({
    d: [[0x30, 0x39]],
    s: [
      [0x09, 0x0a],
      [0x0c, 0x0d],
      [0x20, 0x20],
    ],
    w: [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x5f, 0x5f],
      [0x61, 0x7a],
    ],
  } satisfies Record<string, Ranges>),
)

/** `[[:alpha:]]` and friends, ASCII as in RE2. */
export const POSIX_CLASSES: ReadonlyMap<string, Ranges> = new Map(
  Object.entries({
    alnum: [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x61, 0x7a],
    ],
    alpha: [
      [0x41, 0x5a],
      [0x61, 0x7a],
    ],
    ascii: [[0x00, 0x7f]],
    blank: [
      [0x09, 0x09],
      [0x20, 0x20],
    ],
    cntrl: [
      [0x00, 0x1f],
      [0x7f, 0x7f],
    ],
    digit: [[0x30, 0x39]],
    graph: [[0x21, 0x7e]],
    lower: [[0x61, 0x7a]],
    print: [[0x20, 0x7e]],
    punct: [
      [0x21, 0x2f],
      [0x3a, 0x40],
      [0x5b, 0x60],
      [0x7b, 0x7e],
    ],
    space: [
      [0x09, 0x0d],
      [0x20, 0x20],
    ],
    upper: [[0x41, 0x5a]],
    word: [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x5f, 0x5f],
      [0x61, 0x7a],
    ],
    xdigit: [
      [0x30, 0x39],
      [0x41, 0x46],
      [0x61, 0x66],
    ],
  } satisfies Record<string, Ranges>),
)

/** The code points outside `ranges`. */
export function complement(ranges: Ranges): Ranges {
  const out: Array<[number, number]> = []
  let next = 0
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1])
    next = hi + 1
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT])
  return out
}

/**
 * `ranges` (ASCII) with every case variant added, as RE2 folds a class before negating it under
 * `(?i)`: so `(?i)\W` refuses the Kelvin sign K and the long s ſ, which fold to k and s.
 */
export function foldAscii(ranges: Ranges): Ranges {
  const codePoints = new Set<number>()
  for (const [lo, hi] of ranges) {
    for (let codePoint = lo; codePoint <= hi; codePoint++) {
      const char = String.fromCharCode(codePoint)
      for (const variant of [char, char.toLowerCase(), char.toUpperCase()]) codePoints.add(variant.charCodeAt(0))
    }
  }
  if (codePoints.has(0x6b)) codePoints.add(0x212a)
  if (codePoints.has(0x73)) codePoints.add(0x17f)
  const out: Array<[number, number]> = []
  for (const codePoint of [...codePoints].sort((a, b) => a - b)) {
    const last = out[out.length - 1]
    if (last !== undefined && last[1] === codePoint - 1) last[1] = codePoint
    else out.push([codePoint, codePoint])
  }
  return out
}

/** Ranges as the inside of a `u`-flag class: every code point written as `\u{…}`, so nothing needs escaping. */
export function rangesSource(ranges: Ranges): string {
  return ranges.map(([lo, hi]) => (lo === hi ? codePointSource(lo) : `${codePointSource(lo)}-${codePointSource(hi)}`)).join('')
}

function codePointSource(codePoint: number): string {
  return `\\u{${codePoint.toString(16)}}`
}

const ASCII: Ranges = [[0, 0x7f]]

/** General categories and binary properties RE2 knows by name (`\pL`, `\p{Lu}`, `\p{Emoji}`). */
const PROPERTY_NAMES = new Set(
  'C Cc Cf Cn Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs ASCII_Hex_Digit Alphabetic Dash Emoji Emoji_Component Emoji_Modifier Emoji_Modifier_Base Emoji_Presentation Extended_Pictographic Hex_Digit Lowercase Math Quotation_Mark Terminal_Punctuation Uppercase White_Space'.split(
    ' ',
  ),
)

/**
 * `\p{name}` as the inside of a class, or null when RE2 has no such class. Scripts (`\p{Greek}`)
 * are whatever the platform knows as a script; the name is checked to be a plain word first, so
 * it cannot change the meaning of the class it is written into.
 */
export function unicodeClassSource(name: string, negated: boolean): string | null {
  const p = negated ? 'P' : 'p'
  if (name === 'Any') return negated ? '' : rangesSource([[0, MAX_CODE_POINT]])
  if (name === 'Ascii') return rangesSource(negated ? complement(ASCII) : ASCII)
  if (name === 'Assigned') return `\\${negated ? 'p' : 'P'}{Cn}`
  if (name === 'Lc') return `\\${p}{LC}`
  if (PROPERTY_NAMES.has(name)) return `\\${p}{${name}}`
  if (!/^[A-Za-z_]+$/.test(name)) return null
  const source = `\\${p}{Script=${name}}`
  try {
    new RegExp(`[${source}]`, 'u')
    return source
  } catch {
    return null
  }
}

/** A class from the inside of a `u`-flag class, as built by the parser. */
export function classMatcher(body: string, negated: boolean, foldCase: boolean): (codePoint: number) => boolean {
  const regexp = new RegExp(`^[${negated ? '^' : ''}${body}]$`, foldCase ? 'iu' : 'u')
  const ascii = new Uint8Array(128)
  for (let codePoint = 0; codePoint < 128; codePoint++) ascii[codePoint] = regexp.test(String.fromCharCode(codePoint)) ? 1 : 0
  const others = new Map<number, boolean>()
  return (codePoint) => {
    if (codePoint < 128) return ascii[codePoint] === 1
    let answer = others.get(codePoint)
    if (answer === undefined) {
      answer = regexp.test(String.fromCodePoint(codePoint))
      if (others.size < MAX_REMEMBERED) others.set(codePoint, answer)
    }
    return answer
  }
}

/** One literal character; under `(?i)` every case variant of it. */
export function literalMatcher(codePoint: number, foldCase: boolean): CharMatcher {
  return foldCase ? classMatcher(codePointSource(codePoint), false, true) : codePoint
}
