/**
 * Input patterns, run on RE2 (the pure JavaScript port `re2js`): matching takes time linear in
 * the value, whatever the pattern, so no pattern and value can stall the executor or a plugin.
 * RE2 has no backreferences or lookaround; a pattern it cannot compile is a template error.
 * One implementation for validation, the executor and the plugin.
 */
import { RE2JS } from 're2js'
import { formatCount, MAX_PATTERN_CHARS, MAX_PATTERN_PROGRAM_SIZE } from './limits.ts'

const PATTERN_EXPECTED = 'an RE2 regular expression (no backreferences like \\1, no lookaround like (?=…) or (?<!…))'

/** Compiled patterns by source; templates are validated again and again in a plugin session. */
const compiled = new Map<string, RE2JS>()
const CACHE_SIZE = 100

/**
 * The whole value must match, so an unanchored pattern cannot let extra text through: the
 * pattern is wrapped as `^(?:…)$` (the pattern alone must compile, so it cannot close the group).
 */
function compile(pattern: string): RE2JS {
  let regexp = compiled.get(pattern)
  if (regexp === undefined) {
    RE2JS.compile(pattern)
    regexp = RE2JS.compile(`^(?:${pattern})$`)
    if (compiled.size >= CACHE_SIZE) compiled.clear()
    compiled.set(pattern, regexp)
  }
  return regexp
}

/** Why a pattern cannot be used, or null when it can. */
export function patternProblem(pattern: string): { message: string; expected: string } | null {
  if (pattern.length > MAX_PATTERN_CHARS) {
    return {
      message: `the pattern is too long (${formatCount(pattern.length)} characters)`,
      expected: `at most ${MAX_PATTERN_CHARS} characters`,
    }
  }
  let regexp: RE2JS
  try {
    regexp = compile(pattern)
  } catch (error) {
    // "error parsing regexp: invalid escape sequence: `\1`": keep the reason.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, '')
    return { message: `the pattern cannot be used (${reason})`, expected: PATTERN_EXPECTED }
  }
  const size = regexp.programSize()
  if (size > MAX_PATTERN_PROGRAM_SIZE) {
    return {
      message: `the pattern is too complex (it compiles to ${formatCount(size)} instructions)`,
      expected: `at most ${formatCount(MAX_PATTERN_PROGRAM_SIZE)}: smaller repeat counts than {0,999}`,
    }
  }
  return null
}

/** Whole-value match. A pattern that cannot be used matches nothing (validation reports it). */
export function matchesPattern(pattern: string, value: string): boolean {
  if (patternProblem(pattern) !== null) return false
  return compile(pattern).matches(value)
}
