/**
 * Phase 0: turn the run into a plan once (template + inputs), and check that the environment
 * has every required secret. A resumed run reuses the plan stored at its first validation, so an
 * edited template never changes a run half-way.
 */
import { formatTemplateError, missingSecrets, parseTemplate, planRun, type Plan, type SecretValues } from '../runbook/index.ts'
import type { RunRow } from '../database/index.ts'
import type { RunStore } from './store.ts'
import { type ReadEnv, secretValues } from './secrets.ts'

export class ValidationError extends Error {
  override name = 'ValidationError'
}

export interface Validated {
  plan: Plan
  secrets: SecretValues
  /** Optional secrets the environment lacks; steps using them run dry. */
  missingOptional: string[]
  /** True when the plan was made now rather than read from an earlier attempt. */
  fresh: boolean
}

export async function validateRun(run: RunRow, store: RunStore, readEnv: ReadEnv): Promise<Validated> {
  let plan = run.plan
  const fresh = plan === null
  if (plan === null) {
    if (!run.template_slug) throw new ValidationError('the run names no template')
    const template = await store.template(run.template_slug)
    if (!template) throw new ValidationError(`template ${run.template_slug} does not exist`)
    const parsed = parseTemplate(template.template_yaml)
    if (!parsed.ok) {
      const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ''
      throw new ValidationError(`template ${run.template_slug} is invalid: ${formatTemplateError(parsed.errors[0])}${more}`)
    }
    const planned = planRun(parsed.template, { inputs: run.inputs, env: run.env })
    if (!planned.ok) {
      const problems = [
        ...planned.errors.map((e) => `${e.key}: ${e.message}`),
        ...(planned.missing.length > 0 ? [`missing required inputs: ${planned.missing.join(', ')}`] : []),
      ]
      throw new ValidationError(`the inputs do not fit template ${run.template_slug}: ${problems.join('; ')}`)
    }
    plan = planned.plan
    await store.setPlan(run.id, plan)
  }
  const secrets = secretValues(plan, readEnv)
  const missing = missingSecrets(plan, secrets)
  if (missing.required.length > 0) {
    const names = missing.required.join(', ')
    throw new ValidationError(
      `required secret${missing.required.length > 1 ? 's' : ''} ${names} ${missing.required.length > 1 ? 'are' : 'is'} not set in the function's environment (supabase secrets set ${missing.required[0]}=…)`,
    )
  }
  return { plan, secrets, missingOptional: missing.optional, fresh }
}
