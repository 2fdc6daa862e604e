/**
 * One step of the state-set simulation (Thompson's NFA, as RE2 and Pike's VM run it): from the
 * threads waiting before a character, follow the empty-width instructions, then move every
 * thread whose `char` instruction accepts the character. Each instruction is visited at most once
 * per step, so a step costs at most the program's length. match.ts runs it directly or caches its
 * answers as DFA states.
 */
import { type Assertion } from './syntax.ts'
import { ANY_CHAR, ANY_CHAR_BUT_NEWLINE } from './char-class.ts'
import { ASSERTIONS, NO_LITERAL, OP_ASSERT, OP_CHAR, OP_JUMP, OP_MATCH, OP_SPLIT, type Program } from './program.ts'

/** The character before the start or after the end of the value. */
export const NONE = -1
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

/**
 * All the assertions can tell of the character before a position: the start, a newline, a word
 * character or another one. Two characters with the same context lead to the same steps.
 */
export function contextOf(codePoint: number): number {
  if (codePoint === NONE || codePoint === NEWLINE) return codePoint
  return isWordChar(codePoint) ? 0x61 : 0x20
}

export type Stepper = {
  /** Writes the threads after `codePoint` (distinct, unordered) to `out`; returns how many. */
  step(threads: Int32Array, count: number, before: number, codePoint: number, out: Int32Array): number
  /** Whether the threads reach `match` at the end of the value. */
  acceptsAtEnd(threads: Int32Array, count: number, before: number): boolean
}

export function stepper(program: Program): Stepper {
  const { op, next, alt, assertion, literal, tests } = program
  const size = op.length
  /** Which step last reached each instruction, and last moved a thread to it. */
  const seen = new Uint32Array(size)
  const moved = new Uint32Array(size)
  const pending = new Int32Array(size)
  const waiting = new Int32Array(size)
  let stamp = 0

  /**
   * Follows the empty-width instructions from `start` (not yet seen this step), adding the
   * `char` and `match` instructions it reaches to `waiting` after `found`; returns the new count.
   */
  function follow(start: number, found: number, before: number, after: number): number {
    seen[start] = stamp
    pending[0] = start
    let top = 1
    while (top > 0) {
      const pc = pending[--top]
      let target = NONE
      switch (op[pc]) {
        case OP_CHAR:
        case OP_MATCH:
          waiting[found++] = pc
          break
        case OP_JUMP:
          target = next[pc]
          break
        case OP_SPLIT:
          if (seen[alt[pc]] !== stamp) {
            seen[alt[pc]] = stamp
            pending[top++] = alt[pc]
          }
          target = next[pc]
          break
        case OP_ASSERT:
          if (holds(ASSERTIONS[assertion[pc]], before, after)) target = next[pc]
          break
      }
      if (target !== NONE && seen[target] !== stamp) {
        seen[target] = stamp
        pending[top++] = target
      }
    }
    return found
  }

  function accepts(pc: number, codePoint: number): boolean {
    const expected = literal[pc]
    return expected >= 0
      ? expected === codePoint
      : expected === ANY_CHAR ||
          (expected === ANY_CHAR_BUT_NEWLINE ? codePoint !== NEWLINE : expected === NO_LITERAL && tests[pc]?.(codePoint) === true)
  }

  return {
    step(threads, count, before, codePoint, out) {
      stamp++
      let found = 0
      let moves = 0
      // Threads waiting at a `char` are tried at once; the others are followed first.
      for (let k = 0; k < count; k++) {
        const pc = threads[k]
        if (seen[pc] === stamp) continue
        if (op[pc] !== OP_CHAR) {
          found = follow(pc, found, before, codePoint)
          continue
        }
        seen[pc] = stamp
        if (accepts(pc, codePoint) && moved[next[pc]] !== stamp) {
          moved[next[pc]] = stamp
          out[moves++] = next[pc]
        }
      }
      for (let k = 0; k < found; k++) {
        const pc = waiting[k]
        if (op[pc] === OP_CHAR && accepts(pc, codePoint) && moved[next[pc]] !== stamp) {
          moved[next[pc]] = stamp
          out[moves++] = next[pc]
        }
      }
      return moves
    },
    acceptsAtEnd(threads, count, before) {
      stamp++
      let found = 0
      for (let k = 0; k < count; k++) if (seen[threads[k]] !== stamp) found = follow(threads[k], found, before, NONE)
      for (let k = 0; k < found; k++) if (op[waiting[k]] === OP_MATCH) return true
      return false
    },
  }
}
