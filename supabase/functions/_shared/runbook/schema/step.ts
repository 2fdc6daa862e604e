import * as z from 'zod/mini'
import { STEP_PHASES } from '../../vocabulary/index.ts'
import { duration, matching, nonEmptyTitle, strictObject } from './fields.ts'
import { approvalWith, githubDispatchWith, httpWith, specWith, waitWith } from './step-with.ts'

const retry = z.pipe(
  strictObject({
    max: z.int().check(z.gte(0), z.lte(10)),
    delay: duration({ allowZero: true }),
    backoff: z._default(z.number().check(z.gte(1), z.lte(10)), 2),
  }),
  z.transform((r: { max: number; delay: number; backoff: number }) => ({ max: r.max, delayMs: r.delay, backoff: r.backoff })),
)

const stepFields = {
  id: matching(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id like health-check (letters, digits, - and _)'),
  title: nonEmptyTitle,
  phase: z._default(z.enum(STEP_PHASES), 'execute'),
  timeout: z.optional(duration({ allowZero: false })),
  retry: z.optional(retry),
  /**
   * A step whose request may have been sent when the executor was stopped (a POST without an
   * Idempotency-Key, a workflow dispatch) fails on resume rather than sending it again; true lets
   * the resumed run send it again.
   */
  repeat_if_interrupted: z.optional(z.boolean()),
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
  z.pipe(strictObject({ ...stepFields, kind: z.literal('http'), with: httpWith }), z.transform(withTimeoutMs)),
  z.pipe(strictObject({ ...stepFields, kind: z.literal('github_dispatch'), with: githubDispatchWith }), z.transform(withTimeoutMs)),
  z.pipe(strictObject({ ...stepFields, kind: z.literal('wait'), with: waitWith }), z.transform(withTimeoutMs)),
  z.pipe(strictObject({ ...stepFields, kind: z.literal('approval'), with: z._default(approvalWith, {}) }), z.transform(withTimeoutMs)),
  z.pipe(strictObject({ ...stepFields, kind: z.literal('spec'), with: specWith }), z.transform(withTimeoutMs)),
])

export type Step = z.output<typeof stepSchema>
/** The step kinds, as the schema's discriminated union lists them. */
export type StepKind = Step['kind']
