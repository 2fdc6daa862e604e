import * as z from 'zod/mini'
import { describeValue } from '../errors.ts'
import { scanInterpolation, withPlaceholders } from '../interpolation.ts'
import { isGitRef, isRepo, REF_EXPECTED, REPO_EXPECTED } from '../github-names.ts'
import { duration, matching, nonEmptyText, reject, scalarText, strictObject, text, textMap } from './fields.ts'

/** Stands in for a reference; a character no literal value contains. */
const REFERENCE_MARK = '\u0000'

/** A URL, or a reference that will fill one in. */
const URL_SHAPE = new RegExp(`^(?:https?://|${REFERENCE_MARK})\\S*$`)

/** Checks the literal shape around references; a string with a broken `${{` is left to the reference check. */
function shapedText(pattern: RegExp, expected: string) {
  return checkedText((text) => pattern.test(text), REFERENCE_MARK, expected)
}

/**
 * Text that `valid` accepts once each reference stands for `placeholder`: the literal parts
 * are checked here, the filled-in values again when they are known (plan, step).
 */
function checkedText(valid: (text: string) => boolean, placeholder: string, expected: string) {
  return z.string().check(
    z.superRefine((value, ctx) => {
      if (scanInterpolation(value).problems.length > 0) return
      if (!valid(withPlaceholders(value, placeholder))) reject(ctx, `got ${describeValue(value)}`, expected)
    }),
  )
}

/**
 * A literal token would be stored with the template, so only a secret reference is accepted,
 * and the message does not repeat what was written.
 */
const secretReference = z.string().check(
  z.superRefine((value, ctx) => {
    if (!/^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/.test(value)) {
      reject(ctx, 'the token is written out instead of referring to a secret', 'a secret reference like ${{ secrets.GITHUB_TOKEN }}')
    }
  }),
)

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const

const STATUS_EXPECTED = 'an HTTP status like 200 or a list like [200, 201]'

const isStatus = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599

/** One status or a list of them, always read as a list; absent means any 2xx. */
const expectStatus = z.pipe(
  z.unknown(),
  z.transform((value, ctx): number[] => {
    if (isStatus(value)) return [value]
    if (Array.isArray(value) && value.length > 0 && value.every(isStatus)) return value
    reject(ctx, `got ${describeValue(value)}`, STATUS_EXPECTED)
    return z.NEVER
  }),
)

/** Whether a response status is what an http step expects; no expect_status means any 2xx. */
export function isExpectedStatus(expected: readonly number[] | undefined, status: number): boolean {
  return expected === undefined ? status >= 200 && status <= 299 : expected.includes(status)
}

export const httpWith = strictObject({
  method: z._default(z.enum(HTTP_METHODS), 'GET'),
  url: shapedText(URL_SHAPE, 'an http:// or https:// URL, or one that starts with a reference'),
  headers: z._default(textMap, {}),
  body: z.optional(z.unknown()),
  expect_status: z.optional(expectStatus),
  artifact: z.optional(strictObject({ kind: z.enum(['link', 'file']), title: nonEmptyText })),
})

export const githubDispatchWith = strictObject({
  // A reference stands for one ordinary name character; the filled-in repo is checked again.
  repo: checkedText(isRepo, 'x', REPO_EXPECTED),
  // A numeric id is usually written unquoted, so numbers are read as text first.
  workflow: z.pipe(scalarText, matching(/^(?:[A-Za-z0-9_.-]+\.ya?ml|\d+)$/, 'a workflow file name like deploy.yml, or its numeric id')),
  ref: checkedText(isGitRef, 'x', REF_EXPECTED),
  inputs: z._default(textMap, {}),
  token: z.optional(secretReference),
})

export const waitWith = z.pipe(
  strictObject({
    duration: duration({ allowZero: true }),
  }),
  z.transform((wait: { duration: number }) => ({ durationMs: wait.duration })),
)

export const approvalWith = strictObject({
  message: z.optional(text),
})

export const specWith = strictObject({
  doc: matching(/^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*$/, 'a spec doc slug like continue-orchestrator/tasks'),
  append: z.optional(text),
  replace: z.optional(strictObject({ find: nonEmptyText, with: text })),
}).check(
  z.superRefine((spec, ctx) => {
    if ((spec.append === undefined) === (spec.replace === undefined)) {
      const message = spec.append === undefined ? 'neither append nor replace is given' : 'both append and replace are given'
      reject(ctx, message, 'exactly one of append (text) or replace ({find, with})')
    }
  }),
)
