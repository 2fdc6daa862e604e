/**
 * Whole-value matching by simulating the program on the set of all its live states at once
 * (Thompson's NFA simulation, as RE2 and Pike's VM do): each code point of the value moves every
 * state at most once, so the work is at most the value's length times the program's length,
 * whatever the pattern. No backtracking, no recursion. Code points, not UTF-16 units, are the
 * characters: a surrogate pair is one.
 */
import type { Assertion } from './syntax.ts'
import type { Instruction } from './program.ts'

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

export function matchesWhole(program: readonly Instruction[], value: string): boolean {
  const size = program.length
  let current = new Int32Array(size)
  let next = new Int32Array(size)
  let currentCount = 0
  /** Which step last reached each instruction, so each is visited at most once per step. */
  const seen = new Uint32Array(size)
  const pending = new Int32Array(size)
  let step = 0

  /** Adds `start` and every state reachable from it without consuming a character. */
  const follow = (start: number, list: Int32Array, count: number, before: number, after: number): number => {
    if (seen[start] === step) return count
    seen[start] = step
    pending[0] = start
    let top = 1
    const visit = (pc: number) => {
      if (seen[pc] !== step) {
        seen[pc] = step
        pending[top++] = pc
      }
    }
    while (top > 0) {
      const pc = pending[--top]
      const instruction = program[pc]
      switch (instruction.op) {
        case 'char':
        case 'match':
          list[count++] = pc
          break
        case 'jump':
          visit(instruction.next)
          break
        case 'split':
          visit(instruction.alt)
          visit(instruction.next)
          break
        case 'assert':
          if (holds(instruction.assertion, before, after)) visit(instruction.next)
          break
      }
    }
    return count
  }

  step = 1
  currentCount = follow(0, current, 0, NONE, value.length > 0 ? (value.codePointAt(0) ?? NONE) : NONE)
  let index = 0
  while (index < value.length) {
    if (currentCount === 0) return false
    const codePoint = value.codePointAt(index) ?? NONE
    index += codePoint > 0xffff ? 2 : 1
    const after = index < value.length ? (value.codePointAt(index) ?? NONE) : NONE
    step++
    let nextCount = 0
    for (let k = 0; k < currentCount; k++) {
      const instruction = program[current[k]]
      if (instruction.op === 'char' && instruction.matcher(codePoint)) {
        nextCount = follow(instruction.next, next, nextCount, codePoint, after)
      }
    }
    ;[current, next] = [next, current]
    currentCount = nextCount
  }
  for (let k = 0; k < currentCount; k++) if (program[current[k]].op === 'match') return true
  return false
}
