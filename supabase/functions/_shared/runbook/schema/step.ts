import * as z from 'zod'
import { STEP_PHASES } from '../../vocabulary/index.ts'
import { duration, matching, nonEmptyTitle, strictObject } from './fields.ts'
import { approvalWith, githubDispatchWith, httpWith, specWith, waitWith } from './step-with.ts'

const retry = strictObject({
  max: z.number().int().min(0).max(10),
  delay: duration({ allowZero: true }),
  backoff: z.number().min(1).max(10).default(2),
}).transform((r) => ({ max: r.max, delayMs: r.delay, backoff: r.backoff }))

const stepFields = {
  id: matching(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id like health-check (letters, digits, - and _)'),
  title: nonEmptyTitle,
  phase: z.enum(STEP_PHASES).default('execute'),
  timeout: duration({ allowZero: false }).optional(),
  retry: retry.optional(),
  /**
   * A step whose request may have been sent when the executor was stopped (a POST without an
   * Idempotency-Key, a workflow dispatch) fails on resume rather than sending it again; true lets
   * the resumed run send it again.
   */
  repeat_if_interrupted: z.boolean().optional(),
}

/**
 * YAML says `timeout: 30s`; the parsed step says `timeoutMs: 30000` so the unit is never guessed.
 * `repeat_if_interrupted` becomes `repeatIfInterrupted`, present only when true.
 */
function withTimeoutMs<Step extends { timeout?: number; repeat_if_interrupted?: boolean }>({
  timeout,
  repeat_if_interrupted: repeat,
  ...step
}: Step): Omit<Step, 'timeout' | 'repeat_if_interrupted'> & { timeoutMs?: number; repeatIfInterrupted?: true } {
  return { ...step, ...(timeout === undefined ? {} : { timeoutMs: timeout }), ...(repeat ? { repeatIfInterrupted: true as const } : {}) }
}

export const stepSchema = z.discriminatedUnion('kind', [
  strictObject({ ...stepFields, kind: z.literal('http'), with: httpWith }).transform(withTimeoutMs),
  strictObject({ ...stepFields, kind: z.literal('github_dispatch'), with: githubDispatchWith }).transform(withTimeoutMs),
  strictObject({ ...stepFields, kind: z.literal('wait'), with: waitWith }).transform(withTimeoutMs),
  strictObject({ ...stepFields, kind: z.literal('approval'), with: approvalWith.default({}) }).transform(withTimeoutMs),
  strictObject({ ...stepFields, kind: z.literal('spec'), with: specWith }).transform(withTimeoutMs),
])

export type Step = z.output<typeof stepSchema>
/** The step kinds, as the schema's discriminated union lists them. */
export type StepKind = Step['kind']
