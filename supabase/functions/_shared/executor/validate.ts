/**
 * Phase 0: turn the run into a plan once (its pinned template revision + inputs), read its
 * environment's protection, and decide which secrets it may use. A resumed run reuses the plan
 * stored at its first validation, so nothing saved later changes a run half-way (a plan stored by
 * an earlier version of the executor is made again and must show the same; see stored-plan.ts).
 */
import { formatTemplateError, isCurrentPlan, parseTemplate, planRun, showsSamePlan, type Plan } from '../runbook/index.ts'
import type { RunRow } from '../database/index.ts'
import type { EnvironmentRule } from './environment-gate.ts'
import { pinnedTemplate, ValidationError } from './pinned-template.ts'
import type { RunStore } from './store.ts'
import { bindStatement, isPlatformSecret, namesIn, PLATFORM_SECRETS_RULE, type ReadEnv, type RunSecrets, runSecrets } from './secrets.ts'

export { ValidationError }

export interface Validated {
  plan: Plan
  secrets: RunSecrets
  /** The environment's protection rule; null when it has none. */
  environment: EnvironmentRule | null
  /** True when the plan was made now rather than read from an earlier attempt. */
  fresh: boolean
}

export async function validateRun(run: RunRow, store: RunStore, readEnv: ReadEnv): Promise<Validated> {
  const stored = run.plan
  let plan: Plan
  if (stored !== null && isCurrentPlan(stored)) {
    plan = stored
  } else if (stored === null) {
    plan = await planFromTemplate(run, store)
    await store.setPlan(run.id, plan)
  } else if (stored.version === 1) {
    // Planned by an earlier executor, whose plans cannot be bound safely: plan again, and go on
    // only when the new plan shows exactly what the stored one showed.
    plan = await planFromTemplate(run, store)
    if (!showsSamePlan(stored, plan)) {
      throw new ValidationError(
        'the run was planned by an earlier version of the executor (plan version 1), and planning it again from its template and inputs gives a different plan: start the run again',
      )
    }
  } else {
    throw new ValidationError(
      `the run's stored plan has version ${String((stored as { version: unknown }).version)}, which this executor does not know`,
    )
  }
  const fresh = stored === null

  const names = namesIn(plan)
  const platform = names.filter(isPlatformSecret)
  if (platform.length > 0) {
    throw new ValidationError(`secret ${platform.join(', ')} is never handed to a step, even when bound: ${PLATFORM_SECRETS_RULE}`)
  }
  const [environment, bindings] = await Promise.all([
    store.environment(run.workspace_id, run.env),
    store.secretBindings(run.workspace_id, names),
  ])
  const secrets = runSecrets(plan, run.env, bindings, readEnv)
  const required = plan.requiredSecrets.filter((name) => secrets.unavailable[name] !== undefined)
  if (required.length > 0) {
    throw new ValidationError(
      required
        .map((name) => {
          const reason = secrets.unavailable[name]
          const fix = reason.includes('not set')
            ? `supabase secrets set ${name}=…`
            : `bind it as the service role: ${bindStatement(name, run.workspace_id, suggestedHosts(plan, name, readEnv))}`
          return `required secret ${name} ${reason} (${fix})`
        })
        .join('; '),
    )
  }
  return { plan, secrets, environment, fresh }
}

/** The run's plan, made from its pinned template revision and its inputs. */
async function planFromTemplate(run: RunRow, store: RunStore): Promise<Plan> {
  const template = await pinnedTemplate(run, store)
  const parsed = parseTemplate(template.yaml)
  if (!parsed.ok) {
    const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ''
    throw new ValidationError(`${template.label} is invalid: ${formatTemplateError(parsed.errors[0])}${more}`)
  }
  const planned = planRun(parsed.template, { inputs: run.inputs, env: run.env })
  if (!planned.ok) {
    const problems = [
      ...planned.errors.map((e) => `${e.key}: ${e.message}`),
      ...(planned.missing.length > 0 ? [`missing required inputs: ${planned.missing.join(', ')}`] : []),
    ]
    throw new ValidationError(`the inputs do not fit template ${template.slug}: ${problems.join('; ')}`)
  }
  return planned.plan
}

/** The hosts the plan's steps send `name` to, where the plan alone tells (for the bind hint). */
function suggestedHosts(plan: Plan, name: string, readEnv: ReadEnv): string[] {
  const hosts = new Set<string>()
  for (const step of plan.steps) {
    if (!step.secretsUsed.includes(name)) continue
    const url =
      step.kind === 'http' ? step.with.url : step.kind === 'github_dispatch' ? (readEnv('GITHUB_API_URL') ?? 'https://api.github.com') : ''
    if (url.includes('${{')) continue
    try {
      hosts.add(new URL(url).hostname.toLowerCase())
    } catch {
      // Not a URL until its references are filled in: no hint from this step.
    }
  }
  return [...hosts]
}
