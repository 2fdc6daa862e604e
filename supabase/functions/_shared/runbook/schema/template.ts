import * as z from 'zod/mini'
import { MAX_INPUTS, MAX_STEPS } from '../limits.ts'
import { cappedList, duration, matching, nonEmptyText, nonEmptyTitle, strictObject, text } from './fields.ts'
import { inputSchema, secretSchema } from './input.ts'
import { stepSchema } from './step.ts'

/**
 * The structure of a version 1 runbook template. Cross-field rules (unique ids, declared
 * references, the policy condition) are checked afterwards by `checkTemplate`.
 */
export const templateSchema = strictObject({
  version: z.literal(1),
  kind: matching(/^[a-z][a-z0-9_-]*$/, 'a lowercase slug like deploy or incident'),
  title: nonEmptyTitle,
  description: z.optional(text),
  intents: z._default(z.array(nonEmptyText), []),
  inputs: z._default(cappedList(inputSchema, { max: MAX_INPUTS }, 'inputs', 'fewer inputs'), []),
  secrets: z._default(z.array(secretSchema), []),
  steps: cappedList(stepSchema, { min: 1, max: MAX_STEPS }, 'steps', 'fewer steps: split the runbook into several templates'),
  /** The longest a whole run may take, across invocations; steps are cut short to fit it. */
  timeout: z.optional(duration({ allowZero: false })),
  policy: z.optional(
    strictObject({
      approval: z.optional(strictObject({ when: nonEmptyText })),
    }),
  ),
})

export type Template = z.output<typeof templateSchema>
