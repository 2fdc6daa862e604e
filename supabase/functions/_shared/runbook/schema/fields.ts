// zod/mini: the same zod, with functions in place of methods so that a bundle (the plugin's)
// carries only the parts these schemas use.
import * as z from 'zod/mini'
import { describeValue } from '../errors.ts'
import { DURATION_EXPECTED, MAX_DURATION_MS, parseDuration } from '../duration.ts'
import { formatCount, MAX_TITLE_CHARS } from '../limits.ts'

/** What zod hands to refinements and transforms alike: the value and its issues so far. */
type IssueSink = Pick<z.core.ParsePayload, 'value' | 'issues'>

/** Adds an issue that keeps its `expected` (see the issue converter). */
export function reject(ctx: IssueSink, message: string, expected?: string): void {
  ctx.issues.push({ code: 'custom', message, input: ctx.value, params: expected === undefined ? undefined : { expected } })
}

/**
 * An object that rejects unknown keys. Its unrecognized-keys message is the list of allowed
 * keys; the issue converter turns it into one error per unknown key.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = `one of ${Object.keys(shape).join(', ')}`
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? allowed : undefined),
  })
}

export const text = z.string()

export const nonEmptyText = z.string().check(
  z.superRefine((value, ctx) => {
    if (value.trim() === '') reject(ctx, 'empty text', 'some text')
  }),
)

/** A title or label: one short line people read in lists and cards. */
export const title = z.string().check(
  z.superRefine((value, ctx) => {
    if (value.length > MAX_TITLE_CHARS)
      reject(ctx, `the text is too long (${formatCount(value.length)} characters)`, `at most ${MAX_TITLE_CHARS} characters`)
  }),
)

export const nonEmptyTitle = z.pipe(nonEmptyText, title)

/** A list of at most `max` items, counted before any item is checked. */
export function cappedList<Item extends z.core.SomeType>(
  item: Item,
  limits: { min?: number; max: number },
  noun: string,
  expected: string,
) {
  const { min = 0, max } = limits
  return z.pipe(
    z.array(z.unknown()).check(
      z.superRefine((items, ctx) => {
        if (items.length > max)
          reject(ctx, `the template has ${formatCount(items.length)} ${noun}; at most ${formatCount(max)} are allowed`, expected)
      }),
    ),
    z.array(item).check(z.minLength(min)),
  )
}

/** Text that must match a pattern; `expected` says in words what the pattern wants. */
export function matching(pattern: RegExp, expected: string) {
  return z.string().check(
    z.superRefine((value, ctx) => {
      if (!pattern.test(value)) reject(ctx, `got ${describeValue(value)}`, expected)
    }),
  )
}

export const identifier = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier like health_url (letters, digits, _)')

/** A single YAML scalar: text, a number or true/false. */
export const scalar = z.pipe(
  z.unknown(),
  z.transform((value, ctx): string | number | boolean => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
    reject(ctx, `got ${describeValue(value)}`, 'text, a number or true/false')
    return z.NEVER
  }),
)

/** Scalars written without quotes (`3`, `true`) where text is meant, as in headers. */
export const scalarText = z.pipe(scalar, z.transform(String))

export const textMap = z.record(z.string(), scalarText)

/** A duration like "30s", read as milliseconds. */
export function duration(options: { allowZero: boolean }) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx) => {
      const ms = typeof value === 'string' ? parseDuration(value) : null
      if (typeof value !== 'string' || ms === null) {
        reject(ctx, `got ${describeValue(value)}`, DURATION_EXPECTED)
        return z.NEVER
      }
      if (ms === 0 && !options.allowZero) {
        reject(ctx, 'a zero duration', 'more than 0ms')
        return z.NEVER
      }
      if (ms > MAX_DURATION_MS) {
        reject(ctx, `${value} is too long`, 'at most 24h')
        return z.NEVER
      }
      return ms
    }),
  )
}
