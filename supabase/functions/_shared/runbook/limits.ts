/**
 * What a template and its inputs may cost, in one place. Templates are parsed in every user's
 * plugin and in the executor, and input values come from whoever starts a run: each of these
 * bounds the work one of them can cause. The README's security section lists them.
 */

/** The template's YAML text, in UTF-8 bytes. */
export const MAX_TEMPLATE_BYTES = 256 * 1024

/** Steps in one template (the policy's approval step comes on top). */
export const MAX_STEPS = 500

/** Inputs in one template: each may carry a pattern that is compiled and run. */
export const MAX_INPUTS = 50

/** The template's title, each step's title and each input's label, in characters. */
export const MAX_TITLE_CHARS = 200

/** An input's pattern, in characters. */
export const MAX_PATTERN_CHARS = 500

/**
 * An input's pattern, compiled: it matches in time linear in the value, times the size of the
 * compiled program, so large counted repetitions (`.{0,999}.{0,999}`) are refused too.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 1000

/** One text input value (and a text input's default), in characters; runs.inputs as a whole is capped at 64 KiB too. */
export const MAX_INPUT_VALUE_CHARS = 64 * 1024

/** "1,500": counts in messages, the same in every runtime. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
