import { describeValue } from './errors.ts'
import { MAX_INPUT_VALUE_CHARS } from './limits.ts'
import { matchesPattern } from './pattern.ts'
import type { InputDefinition } from './schema/input.ts'
import type { Template } from './schema/template.ts'

export type InputValue = string | number | boolean

export interface InputProblem {
  key: string
  message: string
}

export interface ResolvedInputs {
  ok: boolean
  /** Given values, coerced to their input's type, plus defaults for the rest. */
  values: Record<string, InputValue>
  /** Values that were given but are wrong, and keys the template does not declare. */
  errors: InputProblem[]
  /** Required inputs with neither a value nor a default. */
  missing: string[]
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0'])
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** Applies defaults, coerces typed text ("3", "yes") and checks every rule an input declares. */
export function resolveInputs(template: Template, raw: Record<string, unknown>): ResolvedInputs {
  const values: Record<string, InputValue> = {}
  const errors: InputProblem[] = []
  const missing: string[] = []
  const declared = new Set(template.inputs.map((input) => input.key))

  for (const key of Object.keys(raw)) {
    if (!declared.has(key)) {
      const known = template.inputs.map((input) => input.key)
      errors.push({ key, message: `unknown input "${key}"; expected ${known.length === 0 ? 'no inputs' : `one of ${known.join(', ')}`}` })
    }
  }

  for (const input of template.inputs) {
    const given = Object.prototype.hasOwnProperty.call(raw, input.key) ? raw[input.key] : undefined
    if (isBlank(given)) {
      if (input.default !== undefined) values[input.key] = input.default
      else if (input.required) missing.push(input.key)
      continue
    }
    const coerced = coerceInput(input, given)
    if (coerced.ok) values[input.key] = coerced.value
    else errors.push({ key: input.key, message: coerced.message })
  }
  return { ok: errors.length === 0 && missing.length === 0, values, errors, missing }
}

/** Nothing typed: absent, null, or only spaces. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

/** One value read as its input's type; text is trimmed because people type stray spaces. */
export function coerceInput(input: InputDefinition, value: unknown): { ok: true; value: InputValue } | { ok: false; message: string } {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null
  if (text === null) return { ok: false, message: `got ${describeValue(value)}; expected ${expectedFor(input)}` }

  switch (input.type) {
    case 'number': {
      const number = typeof value === 'number' ? value : NUMBER_TEXT.test(text) ? Number(text) : Number.NaN
      return Number.isFinite(number) ? { ok: true, value: number } : { ok: false, message: `${describeValue(text)} is not a number` }
    }
    case 'boolean': {
      const word = text.toLowerCase()
      if (TRUE_WORDS.has(word)) return { ok: true, value: true }
      if (FALSE_WORDS.has(word)) return { ok: true, value: false }
      return { ok: false, message: `${describeValue(text)} is not true or false (yes and no work too)` }
    }
    case 'choice': {
      const options = input.options ?? []
      const option = options.find((o) => o === text) ?? options.find((o) => o.toLowerCase() === text.toLowerCase())
      return option !== undefined
        ? { ok: true, value: option }
        : { ok: false, message: `${describeValue(text)} is not one of ${options.join(', ')}` }
    }
    case 'string':
      // "${{" is allowed: references are filled in one pass over the template's own text, so a
      // value is never read as a template (a GitHub expression can be passed on as it is).
      if (text.length > MAX_INPUT_VALUE_CHARS)
        return { ok: false, message: `the value is too long (at most ${MAX_INPUT_VALUE_CHARS} characters)` }
      if (input.pattern !== undefined && !matchesPattern(input.pattern, text)) {
        return { ok: false, message: `${describeValue(text)} does not match the pattern ${input.pattern}` }
      }
      return { ok: true, value: text }
    case 'secret':
      if (text.length > MAX_INPUT_VALUE_CHARS)
        return { ok: false, message: `the value is too long (at most ${MAX_INPUT_VALUE_CHARS} characters)` }
      // Not trimmed: a secret is used exactly as given.
      return { ok: true, value: typeof value === 'string' ? value : text }
  }
}

function expectedFor(input: InputDefinition): string {
  if (input.type === 'number') return 'a number'
  if (input.type === 'boolean') return 'true or false'
  if (input.type === 'choice') return `one of ${(input.options ?? []).join(', ')}`
  return 'text'
}
