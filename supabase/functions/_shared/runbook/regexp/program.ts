/**
 * A parsed regular expression as a flat list of instructions for the state-set simulation in
 * match.ts (Thompson's construction): `char` consumes one code point, `split` forks, `jump`
 * loops back, `assert` checks a position, `match` ends. `{n,m}` is written out as copies, so a
 * program's length is `Node.size` + 1, known before it is built. The program is handed over as
 * typed arrays, one entry per instruction, which the simulation's inner loop reads fastest.
 */
import type { CharMatcher } from './char-class.ts'
import type { Assertion, Node } from './syntax.ts'

type Instruction =
  | { op: 'char'; matcher: CharMatcher; next: number }
  | { op: 'split'; next: number; alt: number }
  | { op: 'jump'; next: number }
  | { op: 'assert'; assertion: Assertion; next: number }
  | { op: 'match' }

export const OP_CHAR = 0
export const OP_SPLIT = 1
export const OP_JUMP = 2
export const OP_ASSERT = 3
export const OP_MATCH = 4

export const ASSERTIONS: readonly Assertion[] = ['beginText', 'endText', 'beginLine', 'endLine', 'wordBoundary', 'notWordBoundary']

/** Instruction i is `op[i]`, going on to `next[i]` (and `alt[i]` for a split), testing `literal[i]`/`tests[i]` or `ASSERTIONS[assertion[i]]`. */
export type Program = {
  op: Uint8Array
  next: Int32Array
  alt: Int32Array
  assertion: Uint8Array
  /** The `char` instructions' code point (or ANY_CHAR…), or NO_LITERAL when `tests` decides. */
  literal: Int32Array
  tests: Array<((codePoint: number) => boolean) | null>
}

export const NO_LITERAL = -3

/** The program starts at instruction 0. */
export function compileProgram(root: Node): Program {
  const instructions: Instruction[] = []
  emit(root, instructions)
  instructions.push({ op: 'match' })
  const size = instructions.length
  const program: Program = {
    op: new Uint8Array(size),
    next: new Int32Array(size),
    alt: new Int32Array(size),
    assertion: new Uint8Array(size),
    literal: new Int32Array(size).fill(NO_LITERAL),
    tests: new Array<((codePoint: number) => boolean) | null>(size).fill(null),
  }
  instructions.forEach((instruction, pc) => {
    switch (instruction.op) {
      case 'char':
        program.op[pc] = OP_CHAR
        program.next[pc] = instruction.next
        if (typeof instruction.matcher === 'number') program.literal[pc] = instruction.matcher
        else program.tests[pc] = instruction.matcher
        break
      case 'split':
        program.op[pc] = OP_SPLIT
        program.next[pc] = instruction.next
        program.alt[pc] = instruction.alt
        break
      case 'jump':
        program.op[pc] = OP_JUMP
        program.next[pc] = instruction.next
        break
      case 'assert':
        program.op[pc] = OP_ASSERT
        program.next[pc] = instruction.next
        program.assertion[pc] = ASSERTIONS.indexOf(instruction.assertion)
        break
      case 'match':
        program.op[pc] = OP_MATCH
        break
    }
  })
  return program
}

function emit(node: Node, program: Instruction[]): void {
  switch (node.kind) {
    case 'empty':
      return
    case 'char':
      program.push({ op: 'char', matcher: node.matcher, next: program.length + 1 })
      return
    case 'assert':
      program.push({ op: 'assert', assertion: node.assertion, next: program.length + 1 })
      return
    case 'concat':
      for (const item of node.items) emit(item, program)
      return
    case 'alternate': {
      const jumps: Array<{ op: 'jump'; next: number }> = []
      node.options.forEach((option, index) => {
        if (index === node.options.length - 1) return emit(option, program)
        const split = { op: 'split' as const, next: program.length + 1, alt: -1 }
        program.push(split)
        emit(option, program)
        const jump = { op: 'jump' as const, next: -1 }
        program.push(jump)
        jumps.push(jump)
        split.alt = program.length
      })
      for (const jump of jumps) jump.next = program.length
      return
    }
    case 'repeat': {
      const { sub, min, max } = node
      if (max === -1) {
        for (let copy = 1; copy < min; copy++) emit(sub, program)
        if (min === 0) emitStar(sub, program)
        else emitPlus(sub, program)
        return
      }
      for (let copy = 0; copy < min; copy++) emit(sub, program)
      for (let copy = min; copy < max; copy++) emitOptional(sub, program)
      return
    }
  }
}

function emitStar(sub: Node, program: Instruction[]): void {
  const start = program.length
  const split = { op: 'split' as const, next: start + 1, alt: -1 }
  program.push(split)
  emit(sub, program)
  program.push({ op: 'jump', next: start })
  split.alt = program.length
}

function emitPlus(sub: Node, program: Instruction[]): void {
  const start = program.length
  emit(sub, program)
  program.push({ op: 'split', next: start, alt: program.length + 1 })
}

function emitOptional(sub: Node, program: Instruction[]): void {
  const split = { op: 'split' as const, next: program.length + 1, alt: -1 }
  program.push(split)
  emit(sub, program)
  split.alt = program.length
}
