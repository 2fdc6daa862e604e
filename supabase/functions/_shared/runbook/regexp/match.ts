/**
 * Whole-value matching by simulating the program on the set of all its live states at once
 * (Thompson's NFA simulation, as RE2 and Pike's VM do): each code point of the value moves every
 * state at most once, so the work is at most the value's length times the program's length,
 * whatever the pattern. No backtracking, no recursion. Code points, not UTF-16 units, are the
 * characters: a surrogate pair is one.
 */
import { type Assertion } from './syntax.ts'
import { ANY_CHAR, ANY_CHAR_BUT_NEWLINE } from './char-class.ts'
import { ASSERTIONS, NO_LITERAL, OP_ASSERT, OP_CHAR, OP_JUMP, OP_MATCH, OP_SPLIT, type Program } from './program.ts'

const NONE = -1
const NEWLINE = 0x0a

/** `\b` in RE2 is ASCII: letters, digits and underscore. */
function isWordChar(codePoint: number): boolean {
  return (
    (codePoint >= 0x30 && codePoint <= 0x39) ||
    (codePoint >= 0x41 && codePoint <= 0x5a) ||
    (codePoint >= 0x61 && codePoint <= 0x7a) ||
    codePoint === 0x5f
  )
}

/** Whether an assertion holds between `before` and `after` (NONE at either end of the value). */
function holds(assertion: Assertion, before: number, after: number): boolean {
  switch (assertion) {
    case 'beginText':
      return before === NONE
    case 'endText':
      return after === NONE
    case 'beginLine':
      return before === NONE || before === NEWLINE
    case 'endLine':
      return after === NONE || after === NEWLINE
    case 'wordBoundary':
      return isWordChar(before) !== isWordChar(after)
    case 'notWordBoundary':
      return isWordChar(before) === isWordChar(after)
  }
}

export function matchesWhole(program: Program, value: string): boolean {
  const { op, next, alt, assertion, literal, tests } = program
  const size = op.length
  /** The live states before and after the current character: `char` and `match` instructions. */
  let current = new Int32Array(size)
  let following = new Int32Array(size)
  let currentCount = 0
  /** Which step last reached each instruction, so each is visited at most once per step. */
  const seen = new Uint32Array(size)
  const pending = new Int32Array(size)
  let step = 1

  /** Adds `start` and every state reachable from it without consuming a character to `list`. */
  function follow(start: number, list: Int32Array, count: number, before: number, after: number): number {
    if (seen[start] === step) return count
    seen[start] = step
    pending[0] = start
    let top = 1
    while (top > 0) {
      const pc = pending[--top]
      let target = NONE
      switch (op[pc]) {
        case OP_CHAR:
        case OP_MATCH:
          list[count++] = pc
          break
        case OP_JUMP:
          target = next[pc]
          break
        case OP_SPLIT:
          if (seen[alt[pc]] !== step) {
            seen[alt[pc]] = step
            pending[top++] = alt[pc]
          }
          target = next[pc]
          break
        case OP_ASSERT:
          if (holds(ASSERTIONS[assertion[pc]], before, after)) target = next[pc]
          break
      }
      if (target !== NONE && seen[target] !== step) {
        seen[target] = step
        pending[top++] = target
      }
    }
    return count
  }

  currentCount = follow(0, current, 0, NONE, value.length > 0 ? (value.codePointAt(0) ?? NONE) : NONE)
  let index = 0
  while (index < value.length) {
    if (currentCount === 0) return false
    const codePoint = value.codePointAt(index) ?? NONE
    index += codePoint > 0xffff ? 2 : 1
    const after = index < value.length ? (value.codePointAt(index) ?? NONE) : NONE
    step++
    let count = 0
    for (let k = 0; k < currentCount; k++) {
      const pc = current[k]
      if (op[pc] !== OP_CHAR) continue
      const expected = literal[pc]
      const accepted =
        expected >= 0
          ? expected === codePoint
          : expected === ANY_CHAR ||
            (expected === ANY_CHAR_BUT_NEWLINE ? codePoint !== NEWLINE : expected === NO_LITERAL && tests[pc]?.(codePoint) === true)
      if (accepted) count = follow(next[pc], following, count, codePoint, after)
    }
    const swap = current
    current = following
    following = swap
    currentCount = count
  }
  for (let k = 0; k < currentCount; k++) if (op[current[k]] === OP_MATCH) return true
  return false
}
