/**
 * A parsed regular expression as a flat list of instructions for the state-set simulation in
 * match.ts (Thompson's construction): `char` consumes one code point, `split` forks, `jump`
 * loops back, `assert` checks a position, `match` ends. `{n,m}` is written out as copies, so a
 * program's length is `Node.size` + 1, known before it is built.
 */
import type { CharMatcher } from './char-class.ts'
import type { Assertion, Node } from './syntax.ts'

export type Instruction =
  | { op: 'char'; matcher: CharMatcher; next: number }
  | { op: 'split'; next: number; alt: number }
  | { op: 'jump'; next: number }
  | { op: 'assert'; assertion: Assertion; next: number }
  | { op: 'match' }

/** The program starts at instruction 0. */
export function compileProgram(root: Node): Instruction[] {
  const program: Instruction[] = []
  emit(root, program)
  program.push({ op: 'match' })
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
