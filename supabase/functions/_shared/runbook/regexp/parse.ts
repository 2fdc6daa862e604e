/**
 * RE2's regular expression syntax, parsed the way RE2 parses it: one left-to-right pass over an
 * explicit stack (no recursion, so deep nesting cannot overflow the call stack), refusing what
 * RE2 refuses (backreferences, lookaround, `a**`, counts over 1000) with RE2's messages.
 */
import {
  ANY_CHAR,
  ANY_CHAR_BUT_NEWLINE,
  classMatcher,
  complement,
  foldAscii,
  literalMatcher,
  PERL_CLASSES,
  POSIX_CLASSES,
  rangesSource,
  type Ranges,
  unicodeClassSource,
} from './char-class.ts'
import { RegexpSyntaxError, SYNTAX_ERRORS } from './errors.ts'
import { alternateNode, assertNode, charNode, concatNode, type Node, repeatNode } from './syntax.ts'

/** RE2's limits: a repeat count, and the height of the parsed tree. */
const MAX_REPEAT = 1000
const MAX_HEIGHT = 1000

/** `\a \f \n \r \t \v`. */
const NAMED_ESCAPES = new Map(Object.entries({ a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 }))

/** Flags as bits, so `(?-i)` can invert and re-invert them the way RE2 does. */
const FOLD_CASE = 1
const DOT_NEWLINE = 2
const ONE_LINE = 4
const NON_GREEDY = 8

/**
 * `\d`, `\pL`, `[:alpha:]` and their negations: the positive class, and how to write the part
 * inside a class. Alone, a negation is a negated class, which folds case before negating as RE2
 * does (`(?i)\P{Lu}` refuses `A`).
 */
type ClassPart = { source: string; negated: boolean; inClass: string; end: number }

/** An open group (remembering the flags to restore when it closes) or an alternation bar. */
type Marker = { kind: 'open'; flags: number } | { kind: 'bar' }
type Entry = Node | Marker

function isMarker(entry: Entry | undefined): entry is Marker {
  return entry !== undefined && (entry.kind === 'open' || entry.kind === 'bar')
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9'
}

function isOctal(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '7'
}

function hexValue(char: string | undefined): number {
  return char !== undefined && /^[0-9A-Fa-f]$/.test(char) ? parseInt(char, 16) : -1
}

/** The code point at `index`, which the caller knows is inside `text`. */
function codePointAt(text: string, index: number): number {
  return text.codePointAt(index) ?? -1
}

function charWidth(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1
}

export function parseRegexp(source: string): Node {
  return new Parser(source).parse()
}

class Parser {
  private readonly stack: Entry[] = []
  private flags = ONE_LINE
  private readonly names = new Set<string>()

  constructor(private readonly source: string) {}

  parse(): Node {
    const s = this.source
    let i = 0
    let lastRepeat = -1
    while (i < s.length) {
      let repeatAt = -1
      const char = s[i]
      if (char === '(') {
        if (s.startsWith('(?', i)) i = this.parseGroupFlags(i)
        else {
          this.stack.push({ kind: 'open', flags: this.flags })
          i++
        }
      } else if (char === '|') {
        this.stack.push(this.popConcat(), { kind: 'bar' })
        i++
      } else if (char === ')') {
        this.closeGroup()
        i++
      } else if (char === '^') {
        this.push(assertNode(this.flags & ONE_LINE ? 'beginText' : 'beginLine'))
        i++
      } else if (char === '$') {
        this.push(assertNode(this.flags & ONE_LINE ? 'endText' : 'endLine'))
        i++
      } else if (char === '.') {
        this.push(charNode(this.flags & DOT_NEWLINE ? ANY_CHAR : ANY_CHAR_BUT_NEWLINE))
        i++
      } else if (char === '[') {
        i = this.parseClass(i)
      } else if (char === '*' || char === '+' || char === '?') {
        repeatAt = i
        const [min, max] = char === '*' ? [0, -1] : char === '+' ? [1, -1] : [0, 1]
        i = this.repeat(min, max, false, repeatAt, i + 1, lastRepeat)
      } else if (char === '{') {
        const count = this.parseRepeatCount(i)
        if (count === null) {
          this.literal(0x7b)
          i++
        } else {
          repeatAt = i
          i = this.repeat(count.min, count.max, true, repeatAt, count.end, lastRepeat)
        }
      } else if (char === '\\') {
        i = this.parseBackslash(i)
      } else {
        const codePoint = codePointAt(s, i)
        this.literal(codePoint)
        i += charWidth(codePoint)
      }
      lastRepeat = repeatAt
    }
    const whole = this.popAlternation()
    if (this.stack.length !== 0) throw new RegexpSyntaxError(SYNTAX_ERRORS.missingParen, s)
    return whole
  }

  private push(node: Node): void {
    if (node.height > MAX_HEIGHT) throw new RegexpSyntaxError(SYNTAX_ERRORS.nestingDepth)
    this.stack.push(node)
  }

  private literal(codePoint: number): void {
    this.push(charNode(literalMatcher(codePoint, (this.flags & FOLD_CASE) !== 0)))
  }

  /** The nodes since the last marker, as one. */
  private popConcat(): Node {
    let start = this.stack.length
    while (start > 0 && !isMarker(this.stack[start - 1])) start--
    return concatNode(this.stack.splice(start).filter((entry): entry is Node => !isMarker(entry)))
  }

  /** The alternatives since the last open group (or the start), as one. */
  private popAlternation(): Node {
    const options = [this.popConcat()]
    while (this.stack[this.stack.length - 1]?.kind === 'bar') {
      this.stack.pop()
      options.unshift(this.popConcat())
    }
    const node = alternateNode(options)
    if (node.height > MAX_HEIGHT) throw new RegexpSyntaxError(SYNTAX_ERRORS.nestingDepth)
    return node
  }

  private closeGroup(): void {
    const inner = this.popAlternation()
    const open = this.stack.pop()
    if (open?.kind !== 'open') throw new RegexpSyntaxError(SYNTAX_ERRORS.unexpectedParen, this.source)
    this.flags = open.flags
    this.push(inner)
  }

  /** Applies `* + ? {n,m}` (and their lazy forms, the same for a whole-value match) to the last node. */
  private repeat(min: number, max: number, counted: boolean, at: number, end: number, lastRepeat: number): number {
    const s = this.source
    if (s[end] === '?') end++
    if (lastRepeat !== -1) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidRepeatOp, s.slice(lastRepeat, end))
    const sub = this.stack[this.stack.length - 1]
    if (sub === undefined || isMarker(sub)) throw new RegexpSyntaxError(SYNTAX_ERRORS.missingRepeatArgument, s.slice(at, end))
    const node = repeatNode(sub, min, max, counted)
    this.stack.pop()
    this.push(node)
    if (counted && (min >= 2 || max >= 2) && !countsWithin(node, MAX_REPEAT)) {
      throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidRepeatSize, s.slice(at, end))
    }
    return end
  }

  /** `{n}`, `{n,}` or `{n,m}` at `at`, or null when it is not one (then `{` is a literal). */
  private parseRepeatCount(at: number): { min: number; max: number; end: number } | null {
    const s = this.source
    let i = at + 1
    const readInt = (): number => {
      const start = i
      while (isDigit(s[i])) i++
      const digits = s.slice(start, i)
      if (digits.length === 0 || (digits.length > 1 && digits[0] === '0')) return -1
      return digits.length > 8 ? -2 : Number(digits)
    }
    const min = readInt()
    if (min === -1 || i >= s.length) return null
    let max = min
    if (s[i] === ',') {
      i++
      if (i >= s.length) return null
      if (s[i] === '}') max = -1
      else if ((max = readInt()) === -1) return null
    }
    if (s[i] !== '}') return null
    i++
    if (min < 0 || min > MAX_REPEAT || max === -2 || max > MAX_REPEAT || (max >= 0 && min > max)) {
      throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidRepeatSize, s.slice(at, i))
    }
    return { min, max, end: i }
  }

  /** `(?flags)`, `(?flags:…)`, `(?P<name>…)` or `(?<name>…)`; anything else after `(?` is refused. */
  private parseGroupFlags(at: number): number {
    const s = this.source
    const rest = s.slice(at)
    // Lookbehind: RE2 reads `(?<` as a name; say what it is instead.
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidPerlOp, rest.slice(0, 4))
    if (rest.startsWith('(?P<') || rest.startsWith('(?<')) {
      const begin = rest[2] === 'P' ? 4 : 3
      const end = rest.indexOf('>')
      if (end < 0) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidNamedCapture, rest)
      const name = rest.slice(begin, end)
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidNamedCapture, rest.slice(0, end + 1))
      this.stack.push({ kind: 'open', flags: this.flags })
      if (this.names.has(name)) throw new RegexpSyntaxError(SYNTAX_ERRORS.duplicateNamedCapture, name)
      this.names.add(name)
      return at + end + 1
    }
    let i = at + 2
    let flags = this.flags
    let sign = 1
    let sawFlag = false
    while (i < s.length) {
      const char = String.fromCodePoint(codePointAt(s, i))
      i += char.length
      if (char === 'i' || char === 'm' || char === 's' || char === 'U') {
        if (char === 'i') flags |= FOLD_CASE
        else if (char === 'm') flags &= ~ONE_LINE
        else if (char === 's') flags |= DOT_NEWLINE
        else flags |= NON_GREEDY
        sawFlag = true
      } else if (char === '-') {
        if (sign < 0) break
        sign = -1
        flags = ~flags
        sawFlag = false
      } else if (char === ':' || char === ')') {
        if (sign < 0) {
          if (!sawFlag) break
          flags = ~flags
        }
        if (char === ':') this.stack.push({ kind: 'open', flags: this.flags })
        this.flags = flags
        return i
      } else break
    }
    throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidPerlOp, s.slice(at, i))
  }

  /** `\A \b \B \z \Q…\E`, a class escape (`\d`, `\pL`) or an escaped character. */
  private parseBackslash(at: number): number {
    const s = this.source
    const next = s[at + 1]
    if (next === 'A' || next === 'z' || next === 'b' || next === 'B') {
      this.push(assertNode(next === 'A' ? 'beginText' : next === 'z' ? 'endText' : next === 'b' ? 'wordBoundary' : 'notWordBoundary'))
      return at + 2
    }
    if (next === 'C') throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidEscape, '\\C')
    if (next === 'Q') {
      const close = s.indexOf('\\E', at + 2)
      const text = s.slice(at + 2, close < 0 ? s.length : close)
      for (const char of text) this.literal(codePointAt(char, 0))
      return close < 0 ? s.length : close + 2
    }
    const part = this.parseUnicodeClass(at) ?? this.parsePerlClass(at)
    if (part !== null) {
      this.push(charNode(classMatcher(part.source, part.negated, (this.flags & FOLD_CASE) !== 0)))
      return part.end
    }
    const escape = this.parseEscape(at)
    this.literal(escape.codePoint)
    return escape.end
  }

  /** `\d \D \s \S \w \W` at `at`. */
  private parsePerlClass(at: number): ClassPart | null {
    const s = this.source
    if (s[at] !== '\\' || at + 1 >= s.length) return null
    const letter = s[at + 1]
    const ranges = PERL_CLASSES.get(letter.toLowerCase())
    if (ranges === undefined) return null
    return this.asciiPart(ranges, letter !== letter.toLowerCase(), at + 2)
  }

  /**
   * An ASCII group, negated or not. Inside a class a negated group is written as its complement,
   * folded first under `(?i)` as RE2 does.
   */
  private asciiPart(ranges: Ranges, negated: boolean, end: number): ClassPart {
    const complemented = negated ? complement(this.flags & FOLD_CASE ? foldAscii(ranges) : ranges) : ranges
    return { source: rangesSource(ranges), negated, inClass: rangesSource(complemented), end }
  }

  /** `\pL`, `\p{Greek}`, `\P{…}`, `\p{^…}` at `at`. */
  private parseUnicodeClass(at: number): ClassPart | null {
    const s = this.source
    if (s[at] !== '\\' || (s[at + 1] !== 'p' && s[at + 1] !== 'P')) return null
    let negated = s[at + 1] === 'P'
    let i = at + 2
    if (i >= s.length) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidCharRange, s.slice(at))
    let name: string
    if (s[i] !== '{') {
      name = String.fromCodePoint(codePointAt(s, i))
      i += name.length
    } else {
      const close = s.indexOf('}', i + 1)
      if (close < 0) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidCharRange, s.slice(at))
      name = s.slice(i + 1, close)
      i = close + 1
    }
    if (name.startsWith('^')) {
      negated = !negated
      name = name.slice(1)
    }
    const source = unicodeClassSource(name, false)
    if (source === null) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidCharRange, s.slice(at, i))
    return { source, negated, inClass: negated ? (unicodeClassSource(name, true) ?? '') : source, end: i }
  }

  /** `[…]` or `[^…]` at `at`: ranges, `[:alpha:]`, `\pL`, `\d`; `]` first and `-` anywhere are literal. */
  private parseClass(at: number): number {
    const s = this.source
    let i = at + 1
    let negated = false
    if (s[i] === '^') {
      negated = true
      i++
    }
    let body = ''
    let first = true
    while (i >= s.length || s[i] !== ']' || first) {
      first = false
      const before = i
      if (s.startsWith('[:', i)) {
        const posix = this.parsePosixClass(i)
        if (posix !== null) {
          body += posix.inClass
          i = posix.end
          continue
        }
      }
      const special = this.parseUnicodeClass(i) ?? this.parsePerlClass(i)
      if (special !== null) {
        body += special.inClass
        i = special.end
        continue
      }
      const lo = this.parseClassChar(i, at)
      let hi = lo
      i = lo.end
      if (s[i] === '-' && i + 1 < s.length && s[i + 1] !== ']') {
        hi = this.parseClassChar(i + 1, at)
        if (hi.codePoint < lo.codePoint) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidCharRange, s.slice(before, hi.end))
        i = hi.end
      } else if (s[i] === '-' && i + 1 >= s.length) {
        throw new RegexpSyntaxError(SYNTAX_ERRORS.missingBracket, s.slice(at))
      }
      body += rangesSource([[lo.codePoint, hi.codePoint]])
    }
    this.push(charNode(classMatcher(body, negated, (this.flags & FOLD_CASE) !== 0)))
    return i + 1
  }

  /** `[:alpha:]` or `[:^alpha:]` at `at`; null when no `:]` follows (then `[` is a literal). */
  private parsePosixClass(at: number): ClassPart | null {
    const close = this.source.indexOf(':]', at)
    if (close < 0) return null
    const name = this.source.slice(at, close + 2)
    const negated = name[2] === '^'
    const ranges = POSIX_CLASSES.get(name.slice(negated ? 3 : 2, -2))
    if (ranges === undefined) throw new RegexpSyntaxError(SYNTAX_ERRORS.invalidCharRange, name)
    return this.asciiPart(ranges, negated, close + 2)
  }

  private parseClassChar(at: number, classStart: number): { codePoint: number; end: number } {
    const s = this.source
    if (at >= s.length) throw new RegexpSyntaxError(SYNTAX_ERRORS.missingBracket, s.slice(classStart))
    if (s[at] === '\\') return this.parseEscape(at)
    const codePoint = codePointAt(s, at)
    return { codePoint, end: at + charWidth(codePoint) }
  }

  /** An escaped character: punctuation, `\n \t …`, octal `\012`, hex `\x41` `\x{1F600}`. `\1` is a backreference, refused. */
  private parseEscape(at: number): { codePoint: number; end: number } {
    const s = this.source
    let i = at + 1
    if (i >= s.length) throw new RegexpSyntaxError(SYNTAX_ERRORS.trailingBackslash)
    const char = String.fromCodePoint(codePointAt(s, i))
    i += char.length
    const invalid = () => new RegexpSyntaxError(SYNTAX_ERRORS.invalidEscape, s.slice(at, i))
    if ((char >= '1' && char <= '7' && isOctal(s[i])) || char === '0') {
      let value = Number(char)
      for (let digits = 1; digits < 3 && isOctal(s[i]); digits++) value = value * 8 + Number(s[i++])
      return { codePoint: value, end: i }
    }
    if (char === 'x') {
      if (i >= s.length) throw invalid()
      if (s[i] === '{') {
        i++
        let value = 0
        let digits = 0
        for (;;) {
          if (i >= s.length) throw invalid()
          const digit = s[i++]
          if (digit === '}') break
          const v = hexValue(digit)
          if (v < 0) throw invalid()
          value = value * 16 + v
          if (value > 0x10ffff) throw invalid()
          digits++
        }
        if (digits === 0) throw invalid()
        return { codePoint: value, end: i }
      }
      const high = hexValue(s[i++])
      if (i >= s.length) throw invalid()
      const low = hexValue(s[i++])
      if (high < 0 || low < 0) throw invalid()
      return { codePoint: high * 16 + low, end: i }
    }
    const named = NAMED_ESCAPES.get(char)
    if (named !== undefined) return { codePoint: named, end: i }
    const codePoint = codePointAt(char, 0)
    if (codePoint < 0x80 && !/[0-9A-Za-z]/.test(char)) return { codePoint, end: i }
    throw invalid()
  }
}

/** RE2's bound on nested counts: `(a{500}){3}` is refused, as its copies multiply past 1000. */
function countsWithin(node: Node, limit: number): boolean {
  if (node.kind === 'repeat' && node.counted) {
    if (node.max === 0) return true
    const most = node.max === -1 ? node.min : node.max
    if (most > limit) return false
    if (most > 0) limit = Math.trunc(limit / most)
  }
  if (node.kind === 'repeat') return countsWithin(node.sub, limit)
  if (node.kind === 'concat') return node.items.every((item) => countsWithin(item, limit))
  if (node.kind === 'alternate') return node.options.every((option) => countsWithin(option, limit))
  return true
}
