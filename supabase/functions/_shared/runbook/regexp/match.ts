/**
 * Whole-value matching in time linear in the value, whatever the pattern: the state-set
 * simulation of step.ts, with its steps cached as DFA states built lazily (as RE2 does). A DFA
 * state is the sorted set of threads waiting before a character plus that character's context
 * for `^ $ \b \B` (step.ts `contextOf`), so a cached step gives the same answer as a computed
 * one. Steps on ASCII characters sit in a table per state, others in a small map. The cache is
 * bounded: when full it is cleared and matching goes on from the current state; when it fills
 * again too soon (the pattern's DFA explodes on this value) the rest of the value is simulated
 * without caching. Code points, not UTF-16 units, are the characters: a surrogate pair is one.
 */
import { OP_ASSERT, type Program } from './program.ts'
import { contextOf, NONE, type Stepper, stepper } from './step.ts'

/** Memory the cache may take, roughly, in bytes: RE2 gives its DFAs a few megabytes too. */
const DFA_CACHE_BYTES = 4 << 20
const UNKNOWN = -1
const ASCII = 128
/** Estimated bytes of a state besides its threads and key, and of a remembered non-ASCII step. */
const STATE_BYTES = ASCII * 4 + 96
const ENTRY_BYTES = 48
/** Few enough arguments for one call. */
const KEY_CHUNK = 4096

type State = {
  /** Threads waiting before the next character, sorted and distinct. */
  threads: Int32Array
  /** The context of the character before (NONE at the start). */
  before: number
  /** The next state's index for each ASCII character, UNKNOWN until stepped. */
  ascii: Int32Array
  other: Map<number, number> | null
  /** 1 if the value may end here, 0 if not, UNKNOWN until asked. */
  accepts: number
}

type Dfa = {
  program: Program
  limit: number
  stepper: Stepper
  /** Whether the program has assertions: without, every state's context is NONE. */
  contextual: boolean
  states: State[]
  index: Map<string, number>
  bytes: number
  resets: number
  /** How many states the cache held when it was last cleared. */
  cleared: number
  /** Scratch for one step's threads. */
  out: Int32Array
}

/** The last program's cache only: patterns are few, and one bounded cache keeps memory bounded. */
let last: Dfa | null = null

function dfaFor(program: Program, limit: number): Dfa {
  if (last?.program !== program || last.limit !== limit) {
    last = {
      program,
      limit,
      stepper: stepper(program),
      contextual: program.op.includes(OP_ASSERT),
      states: [],
      index: new Map(),
      bytes: 0,
      resets: 0,
      cleared: 0,
      out: new Int32Array(program.op.length),
    }
  }
  return last
}

/** The threads and context as a string: two UTF-16 units per thread, built a chunk at a time. */
function keyOf(threads: Int32Array, before: number): string {
  const units = new Uint16Array(threads.buffer, threads.byteOffset, threads.length * 2)
  let key = String.fromCharCode(before + 1)
  for (let k = 0; k < units.length; k += KEY_CHUNK) key += String.fromCharCode(...units.subarray(k, k + KEY_CHUNK))
  return key
}

/** The state's index, adding it (and clearing a full cache first: `resets` then counts it). */
function stateOf(dfa: Dfa, threads: Int32Array, before: number): number {
  const key = keyOf(threads, before)
  const known = dfa.index.get(key)
  if (known !== undefined) return known
  const bytes = STATE_BYTES + threads.length * 4 + key.length * 2
  if (dfa.bytes + bytes > dfa.limit && dfa.states.length > 0) {
    dfa.cleared = dfa.states.length
    dfa.states = []
    dfa.index = new Map()
    dfa.bytes = 0
    dfa.resets++
  }
  dfa.bytes += bytes
  dfa.states.push({ threads: threads.slice(), before, ascii: new Int32Array(ASCII).fill(UNKNOWN), other: null, accepts: UNKNOWN })
  dfa.index.set(key, dfa.states.length - 1)
  return dfa.states.length - 1
}

/** How many values were finished by the simulation alone, since the module was loaded. */
let simulated = 0

/** How full the last program's cache is, how often it was cleared, and `simulated`. */
export function dfaCacheUse(): { states: number; bytes: number; resets: number; simulated: number } {
  return { states: last?.states.length ?? 0, bytes: last?.bytes ?? 0, resets: last?.resets ?? 0, simulated }
}

/** `cacheBytes` bounds the cache; tests make it small to exercise clearing it. */
export function matchesWhole(program: Program, value: string, cacheBytes = DFA_CACHE_BYTES): boolean {
  const dfa = dfaFor(program, cacheBytes)
  let current = stateOf(dfa, new Int32Array([0]), NONE)
  let resets = dfa.resets
  /** Where this value last cleared the cache, NONE before it has. */
  let resetAt = NONE
  let index = 0
  while (index < value.length) {
    const state = dfa.states[current]
    if (state.threads.length === 0) return false
    const codePoint = value.codePointAt(index) ?? NONE
    const known = codePoint < ASCII ? state.ascii[codePoint] : (state.other?.get(codePoint) ?? UNKNOWN)
    if (known !== UNKNOWN) {
      current = known
      index += codePoint > 0xffff ? 2 : 1
      continue
    }
    const count = dfa.stepper.step(state.threads, state.threads.length, state.before, codePoint, dfa.out)
    const following = stateOf(dfa, dfa.out.subarray(0, count).sort(), dfa.contextual ? contextOf(codePoint) : NONE)
    index += codePoint > 0xffff ? 2 : 1
    if (dfa.resets !== resets) {
      // RE2's rule: a cache that fills again within ten characters per state it held is not paying off.
      if (resetAt !== NONE && index - resetAt < 10 * dfa.cleared) return simulate(dfa, dfa.states[following], value, index)
      resets = dfa.resets
      resetAt = index
      // The current state went with the cleared cache: its step is not remembered.
    } else if (codePoint < ASCII) state.ascii[codePoint] = following
    else if (dfa.bytes + ENTRY_BYTES <= dfa.limit) {
      state.other ??= new Map()
      state.other.set(codePoint, following)
      dfa.bytes += ENTRY_BYTES
    }
    current = following
  }
  const state = dfa.states[current]
  if (state.accepts === UNKNOWN) state.accepts = dfa.stepper.acceptsAtEnd(state.threads, state.threads.length, state.before) ? 1 : 0
  return state.accepts === 1
}

/** The rest of the value by the simulation alone, from `state` at `index`. */
function simulate(dfa: Dfa, state: State, value: string, index: number): boolean {
  simulated++
  let threads = new Int32Array(dfa.out.length)
  let out = new Int32Array(dfa.out.length)
  threads.set(state.threads)
  let count = state.threads.length
  let before = state.before
  while (index < value.length && count > 0) {
    const codePoint = value.codePointAt(index) ?? NONE
    index += codePoint > 0xffff ? 2 : 1
    count = dfa.stepper.step(threads, count, before, codePoint, out)
    ;[threads, out] = [out, threads]
    before = contextOf(codePoint)
  }
  return count > 0 && dfa.stepper.acceptsAtEnd(threads, count, before)
}
