/**
 * The parsed form of a regular expression. Each node knows its height (so nesting is bounded
 * before anything walks the tree recursively) and the number of instructions it compiles to (so
 * a pattern is refused as too complex before `{n,m}` copies are ever made).
 */
import type { CharMatcher } from './char-class.ts'

/** Zero-width checks: `^ $` (text or, under `(?m)`, line), `\A \z`, `\b \B` (ASCII words, as RE2). */
export type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary'

export type Node = { height: number; size: number } & (
  | { kind: 'empty' }
  | { kind: 'char'; matcher: CharMatcher }
  | { kind: 'assert'; assertion: Assertion }
  | { kind: 'concat'; items: Node[] }
  | { kind: 'alternate'; options: Node[] }
  /** `max` is -1 for no upper bound; `counted` marks `{n,m}` as written (RE2 bounds nested counts). */
  | { kind: 'repeat'; sub: Node; min: number; max: number; counted: boolean }
)

const emptyNode: Node = { kind: 'empty', height: 1, size: 0 }

export function charNode(matcher: CharMatcher): Node {
  return { kind: 'char', matcher, height: 1, size: 1 }
}

export function assertNode(assertion: Assertion): Node {
  return { kind: 'assert', assertion, height: 1, size: 1 }
}

export function concatNode(items: Node[]): Node {
  if (items.length === 0) return emptyNode
  if (items.length === 1) return items[0]
  return { kind: 'concat', items, height: 1 + maxHeight(items), size: items.reduce((sum, item) => sum + item.size, 0) }
}

/** Options are joined by a split and a jump each. */
export function alternateNode(options: Node[]): Node {
  if (options.length === 1) return options[0]
  const size = options.reduce((sum, option) => sum + option.size, 0) + 2 * (options.length - 1)
  return { kind: 'alternate', options, height: 1 + maxHeight(options), size }
}

/**
 * `x*` is a split, x and a jump back; `x{n,}` is n-1 copies and `x+` (x and a split); `x{n,m}`
 * is n copies and m-n optional ones (a split and x each).
 */
export function repeatNode(sub: Node, min: number, max: number, counted: boolean): Node {
  const size = max === -1 ? (min === 0 ? sub.size + 2 : min * sub.size + 1) : min * sub.size + (max - min) * (sub.size + 1)
  return { kind: 'repeat', sub, min, max, counted, height: 1 + sub.height, size }
}

function maxHeight(nodes: Node[]): number {
  return nodes.reduce((height, node) => Math.max(height, node.height), 0)
}
