import * as z from 'zod'
import { duration, matching, nonEmptyText, strictObject, text } from './fields.ts'
import { inputSchema, secretSchema } from './input.ts'
import { stepSchema } from './step.ts'

/**
 * The structure of a version 1 runbook template. Cross-field rules (unique ids, declared
 * references, the policy condition) are checked afterwards by `checkTemplate`.
 */
export const templateSchema = strictObject({
  version: z.literal(1),
  kind: matching(/^[a-z][a-z0-9_-]*$/, 'a lowercase slug like deploy or incident'),
  title: nonEmptyText,
  description: text.optional(),
  intents: z.array(nonEmptyText).default([]),
  inputs: z.array(inputSchema).default([]),
  secrets: z.array(secretSchema).default([]),
  steps: z.array(stepSchema).min(1),
  /** The longest a whole run may take, across invocations; steps are cut short to fit it. */
  timeout: duration({ allowZero: false }).optional(),
  policy: strictObject({
    approval: strictObject({ when: nonEmptyText }).optional(),
  }).optional(),
})

export type Template = z.output<typeof templateSchema>
