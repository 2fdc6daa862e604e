import { formatPath, type PathSegment } from '../errors.ts'

/** Where a node of the document starts, found while the YAML loader reads it. */
interface NodeSpan {
  /** Offset of the node's first character. */
  start: number
  /** Offset of its key, when the node is a mapping value. */
  keyStart?: number
  /** The node has no text of its own, like a key with nothing after the colon. */
  empty: boolean
}

/** Spans of the document's nodes, by formatted path ("steps[2].with.url"). */
export type NodeMap = Map<string, NodeSpan>

/** The part of the loader state the tracker reads; the loader hands it to its listener. */
export interface LoaderState {
  input: string
  position: number
  kind: string | null
  result: unknown
}

/** Thrown from inside the loader to stop it at a node the template format does not allow. */
export class NodeRejected extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly expected: string,
  ) {
    super(reason)
  }
}

interface Frame {
  start: number
  end: number
  kind: string | null
  result: unknown
  children: Frame[]
}

/**
 * Rebuilds the node tree from the loader's open/close events so every value can be traced back
 * to its line and column. Each composed node, keys included, opens and closes once; its children
 * are the nodes composed inside it, in document order.
 */
export class NodeTracker {
  readonly roots: Frame[] = []
  private readonly stack: Frame[] = []
  private input = ''

  constructor(private readonly maxDepth: number) {}

  readonly listener = (event: 'open' | 'close', state: LoaderState): void => {
    this.input = state.input
    if (event === 'open') {
      if (this.stack.length >= this.maxDepth) {
        throw new NodeRejected(state.position, `nesting deeper than ${this.maxDepth} levels`, 'a flatter document')
      }
      const start = skipGap(state.input, state.position)
      this.stack.push({ start, end: start, kind: null, result: undefined, children: [] })
      return
    }
    const frame = this.stack.pop()
    if (frame === undefined) return
    frame.end = state.position
    frame.kind = state.kind
    frame.result = state.result
    // An alias would let a small document expand into a huge value (and shares objects between
    // steps), so templates spell values out.
    if (state.input.charCodeAt(frame.start) === 0x2a /* * */) {
      throw new NodeRejected(frame.start, 'aliases (*name) are not allowed in templates', 'the value written out in full')
    }
    const parent = this.stack[this.stack.length - 1]
    ;(parent === undefined ? this.roots : parent.children).push(frame)
  }

  /** Path of the node being read when the loader stopped, as far as it can be told. */
  pathAtStop(includeLastKey: boolean): PathSegment[] {
    const path: PathSegment[] = []
    for (let depth = 0; depth < this.stack.length; depth++) {
      const parent = this.stack[depth]
      const innermost = depth === this.stack.length - 1
      const child = this.stack[depth + 1]
      const opener = child === undefined ? undefined : this.input[child.start]
      if (child !== undefined && child.start === parent.start && (opener === '{' || opener === '[')) {
        continue // the same flow collection, read inside a block-mapping attempt
      }
      if (isSequenceStart(this.input, parent.start)) {
        if (!innermost) path.push(parent.children.length)
        continue
      }
      const entries = mappingEntries(parent.children, this.input)
      const last = entries[entries.length - 1]
      if (innermost) {
        // A key still waiting for its value is where the loader was reading.
        if (last !== undefined && (includeLastKey || last.value === undefined)) path.push(String(last.key.result))
        break
      }
      if (last === undefined || last.value !== undefined) break // the open node is a key
      path.push(String(last.key.result))
    }
    return path
  }

  /** Offset where the node being read when the loader stopped starts, such as an opening quote. */
  openNodeStart(): number | undefined {
    return this.stack[this.stack.length - 1]?.start
  }

  /** Offset where the n-th document's root node starts. */
  documentStart(index: number): number {
    return this.roots[index]?.start ?? 0
  }

  nodeMap(documentIndex: number): NodeMap {
    const nodes: NodeMap = new Map()
    const root = this.roots[documentIndex]
    if (root !== undefined) record(root, [], undefined, nodes, this.input)
    return nodes
  }
}

function record(frame: Frame, path: PathSegment[], keyStart: number | undefined, nodes: NodeMap, input: string): void {
  nodes.set(formatPath(path), { start: frame.start, keyStart, empty: frame.end <= frame.start })
  const wrapped = frame.children.length === 1 ? frame.children[0] : undefined
  if (wrapped !== undefined && wrapped.start === frame.start && Object.is(wrapped.result, frame.result)) {
    // The loader tried a block mapping, found a flow collection (or scalar) instead and kept it:
    // one node, reported twice.
    record(wrapped, path, keyStart, nodes, input)
    return
  }
  const { result } = frame
  if (Array.isArray(result)) {
    // Empty block entries ("-" alone) have no node of their own, so match children to items.
    let next = 0
    result.forEach((item, index) => {
      const child = frame.children[next]
      if (child !== undefined && Object.is(child.result, item)) {
        record(child, [...path, index], undefined, nodes, input)
        next++
      }
    })
  } else if (frame.kind === 'mapping' && result !== null && typeof result === 'object') {
    for (const { key, value } of mappingEntries(frame.children, input)) {
      if (value === undefined || (key.result !== null && typeof key.result === 'object')) continue
      const name = String(key.result)
      if (Object.prototype.hasOwnProperty.call(result, name) && Object.is(Reflect.get(result, name), value.result)) {
        record(value, [...path, name], key.start, nodes, input)
      }
    }
  }
}

/** Pairs a mapping's children into key/value entries; a key is a node followed by ":". */
function mappingEntries(children: Frame[], input: string): Array<{ key: Frame; value?: Frame }> {
  const entries: Array<{ key: Frame; value?: Frame }> = []
  for (let i = 0; i < children.length; i++) {
    if (!followedByColon(children[i], input)) continue // a flow-mapping key with no value
    entries.push({ key: children[i], value: children[i + 1] })
    i++
  }
  return entries
}

function followedByColon(frame: Frame, input: string): boolean {
  let i = frame.end
  while (input[i] === ' ' || input[i] === '\t') i++
  return input[i] === ':'
}

function isSequenceStart(input: string, offset: number): boolean {
  const c = input[offset]
  if (c === '[') return true
  const next = input[offset + 1]
  return c === '-' && (next === undefined || next === ' ' || next === '\n' || next === '\r' || next === '\t' || next === '\0')
}

/** Skips whitespace, line breaks and comments to the first character of the next node. */
function skipGap(input: string, offset: number): number {
  let i = offset
  while (i < input.length) {
    const c = input[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++
    else if (c === '#') while (i < input.length && input[i] !== '\n') i++
    else break
  }
  return i
}
