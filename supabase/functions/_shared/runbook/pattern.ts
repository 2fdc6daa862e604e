/**
 * Input patterns, in RE2's syntax, run by our own small engine (regexp/): matching takes time
 * linear in the value, whatever the pattern, so no pattern and value can stall the executor or a
 * plugin. Like RE2 it has no backreferences or lookaround; a pattern it cannot compile is a
 * template error. One implementation for validation, the executor and the plugin.
 */
import { formatCount, MAX_PATTERN_CHARS, MAX_PATTERN_PROGRAM_SIZE } from './limits.ts'
import { matchesWhole } from './regexp/match.ts'
import { parseRegexp } from './regexp/parse.ts'
import { compileProgram, type Program } from './regexp/program.ts'
import type { Node } from './regexp/syntax.ts'

const PATTERN_EXPECTED = 'an RE2 regular expression (no backreferences like \\1, no lookaround like (?=…) or (?<!…))'

type Problem = { message: string; expected: string }

/** Compiled patterns (or why they cannot be used) by source; templates are validated again and again in a plugin session. */
const compiled = new Map<string, Program | Problem>()
const CACHE_SIZE = 100

/** The whole value must match: the program starts at the value's start and accepts only at its end. */
function compile(pattern: string): Program | Problem {
  let entry = compiled.get(pattern)
  if (entry === undefined) {
    entry = compileOrExplain(pattern)
    if (compiled.size >= CACHE_SIZE) compiled.clear()
    compiled.set(pattern, entry)
  }
  return entry
}

function compileOrExplain(pattern: string): Program | Problem {
  if (pattern.length > MAX_PATTERN_CHARS) {
    return {
      message: `the pattern is too long (${formatCount(pattern.length)} characters)`,
      expected: `at most ${MAX_PATTERN_CHARS} characters`,
    }
  }
  let root: Node
  try {
    root = parseRegexp(pattern)
  } catch (error) {
    // "invalid escape sequence: `\1`": RE2's reason, kept.
    const reason = error instanceof Error ? error.message : String(error)
    return { message: `the pattern cannot be used (${reason})`, expected: PATTERN_EXPECTED }
  }
  const size = root.size + 1
  if (size > MAX_PATTERN_PROGRAM_SIZE) {
    return {
      message: `the pattern is too complex (it compiles to ${formatCount(size)} instructions)`,
      expected: `at most ${formatCount(MAX_PATTERN_PROGRAM_SIZE)}: smaller repeat counts than {0,999}`,
    }
  }
  return compileProgram(root)
}

/** Why a pattern cannot be used, or null when it can. */
export function patternProblem(pattern: string): Problem | null {
  const entry = compile(pattern)
  return 'op' in entry ? null : entry
}

/** Whole-value match. A pattern that cannot be used matches nothing (validation reports it). */
export function matchesPattern(pattern: string, value: string): boolean {
  const entry = compile(pattern)
  return 'op' in entry && matchesWhole(entry, value)
}
