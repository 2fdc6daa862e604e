import * as z from 'zod/mini'
import { describeValue } from '../errors.ts'
import { matchesPattern, patternProblem } from '../pattern.ts'
import { MAX_INPUT_VALUE_CHARS } from '../limits.ts'
import { identifier, matching, nonEmptyText, reject, scalar, strictObject, text, title } from './fields.ts'

const INPUT_TYPES = ['string', 'number', 'boolean', 'choice', 'secret'] as const

/** A pattern applies to the whole value, so "^…$" is implied (see `matchesPattern`). */
const pattern = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = patternProblem(value)
    if (problem !== null) reject(ctx, problem.message, problem.expected)
  }),
)

const inputShape = strictObject({
  key: identifier,
  label: z.optional(title),
  type: z.enum(INPUT_TYPES),
  required: z._default(z.boolean(), false),
  default: z.optional(scalar),
  pattern: z.optional(pattern),
  options: z.optional(z.array(nonEmptyText)),
  description: z.optional(text),
})

type InputShape = z.output<typeof inputShape>

export const inputSchema = z.pipe(
  inputShape.check(
    z.superRefine((input, ctx) => {
      const at = (path: string, message: string, expected?: string) =>
        ctx.addIssue({ code: 'custom', path: [path], message, params: expected === undefined ? undefined : { expected } })

      if (input.type === 'choice') {
        if (input.options === undefined || input.options.length === 0) {
          at('options', 'a choice input has no options', 'a list of options like [staging, production]')
        } else {
          const repeated = input.options.find((option, i) => input.options?.indexOf(option) !== i)
          if (repeated !== undefined) at('options', `option "${repeated}" is listed twice`, 'each option once')
        }
      } else if (input.options !== undefined) {
        at('options', `options only apply to choice inputs, not ${input.type}`, 'no options, or type: choice')
      }
      if (input.pattern !== undefined && input.type !== 'string') {
        at('pattern', `a pattern only applies to string inputs, not ${input.type}`, 'no pattern, or type: string')
      }
      if (input.default !== undefined) {
        const problem = defaultProblem(input)
        if (problem !== null) at('default', problem.message, problem.expected)
      }
    }),
  ),
  z.transform((input: InputShape) => ({ ...input, label: input.label ?? input.key })),
)

export type InputDefinition = z.output<typeof inputSchema>

function defaultProblem(input: InputShape): { message: string; expected: string } | null {
  const value = input.default
  const got = `got ${describeValue(value)}`
  switch (input.type) {
    case 'secret':
      return { message: 'a secret input cannot have a default', expected: 'no default (it would be stored in the template)' }
    case 'number':
      return typeof value === 'number' ? null : { message: got, expected: 'a number' }
    case 'boolean':
      return typeof value === 'boolean' ? null : { message: got, expected: 'true or false' }
    case 'choice':
      return typeof value === 'string' && input.options?.includes(value) === true
        ? null
        : { message: `default ${describeValue(value)} is not one of the options`, expected: `one of ${(input.options ?? []).join(', ')}` }
    case 'string':
      if (typeof value !== 'string') return { message: got, expected: 'text' }
      if (value.length > MAX_INPUT_VALUE_CHARS)
        return { message: 'the default is too long', expected: `at most ${MAX_INPUT_VALUE_CHARS} characters` }
      if (input.pattern !== undefined && patternProblem(input.pattern) === null && !matchesPattern(input.pattern, value)) {
        return { message: `default ${describeValue(value)} does not match the pattern`, expected: `text matching ${input.pattern}` }
      }
      return null
  }
}

export const secretSchema = strictObject({
  name: matching(/^[A-Z][A-Z0-9_]*$/, 'an UPPER_SNAKE name like GITHUB_TOKEN'),
  required: z._default(z.boolean(), true),
  description: z.optional(text),
})
