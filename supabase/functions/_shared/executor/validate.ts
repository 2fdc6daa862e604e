/**
 * Phase 0: turn the run into a plan once (its pinned template revision + inputs), read its
 * environment's protection, and decide which secrets it may use. A resumed run reuses the plan
 * stored at its first validation, so nothing saved later changes a run half-way (a plan stored by
 * an earlier version of the executor is made again and must show the same; see stored-plan.ts).
 * Once the run's secrets and secret inputs are known, the store masks every later write of the
 * run with them.
 */
import {
  createMasker,
  formatTemplateError,
  isCurrentPlan,
  parseTemplate,
  planRun,
  showsSamePlan,
  type Plan,
  type Template,
} from '../runbook/index.ts'
import type { RunRow } from '../database/index.ts'
import type { EnvironmentRule } from './environment-gate.ts'
import { pinnedTemplate, ValidationError } from './pinned-template.ts'
import type { RunStore } from './store.ts'
import {
  bindStatement,
  isPlatformSecret,
  namesIn,
  PLATFORM_SECRETS_RULE,
  type ReadEnv,
  type RunSecrets,
  runSecrets,
  valuesToMask,
} from './secrets.ts'

export { ValidationError }

export interface Validated {
  plan: Plan
  secrets: RunSecrets
  /** The environment's protection rule; null when it has none. */
  environment: EnvironmentRule | null
  /** True when the plan was made now rather than read from an earlier attempt. */
  fresh: boolean
  /** The values of the plan's secret-typed inputs, by key (kept out of every table members read). */
  secretInputs: Record<string, unknown>
}

export async function validateRun(run: RunRow, store: RunStore, readEnv: ReadEnv): Promise<Validated> {
  const given = await store.secretInputs(run.id)
  // Nothing written from here on shows them, not even a message about an input that does not fit.
  store.useMasker(run.id, createMasker(valuesToMask({}, given)))
  const stored = run.plan
  let plan: Plan
  if (stored !== null && isCurrentPlan(stored)) {
    plan = stored
  } else if (stored === null) {
    plan = await planFromTemplate(run, store, given, { fresh: true })
  } else if (stored.version === 1) {
    // Planned by an earlier executor, whose plans cannot be bound safely: plan again, and go on
    // only when the new plan shows exactly what the stored one showed.
    plan = await planFromTemplate(run, store, given, { fresh: false })
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
  // A run validated before secret inputs moved out of runs.inputs still finds them there.
  const secretInputs = Object.fromEntries(
    plan.secretInputs.map((key) => [key, Object.prototype.hasOwnProperty.call(given, key) ? given[key] : run.inputs[key]]),
  )

  const names = namesIn(plan)
  const [environment, bindings] = await Promise.all([
    store.environment(run.workspace_id, run.env),
    store.secretBindings(
      run.workspace_id,
      names.filter((name) => !isPlatformSecret(name)),
    ),
  ])
  const secrets = runSecrets(plan, run.env, bindings, readEnv)
  store.useMasker(run.id, createMasker(valuesToMask(secrets.values, secretInputs)))
  if (fresh) await store.setPlan(run.id, plan)

  const platform = names.filter(isPlatformSecret)
  if (platform.length > 0) {
    throw new ValidationError(`secret ${platform.join(', ')} is never handed to a step, even when bound: ${PLATFORM_SECRETS_RULE}`)
  }
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
  return { plan, secrets, environment, fresh, secretInputs }
}

/**
 * Secret-typed inputs come only through runs.secret_inputs (kept where members cannot read them),
 * and only they do. One sent in plain runs.inputs is erased from the run before it is refused,
 * so the value does not stay readable; any other key in secret_inputs is refused too.
 */
async function refuseMisplacedInputs(run: RunRow, store: RunStore, template: Template, given: Record<string, unknown>): Promise<void> {
  const secretKeys = template.inputs.filter((input) => input.type === 'secret').map((input) => input.key)
  const plain = secretKeys.filter((key) => Object.prototype.hasOwnProperty.call(run.inputs, key))
  if (plain.length > 0) {
    await store.eraseInputs(run.id, plain)
    const one = plain.length === 1
    throw new ValidationError(
      `input ${plain.join(', ')} ${one ? 'is' : 'are'} secret-typed but ${one ? 'was' : 'were'} sent in runs.inputs, which every member ` +
        `of the workspace can read: ${one ? 'its value was' : 'their values were'} erased from the run; send secret-typed inputs in ` +
        'runs.secret_inputs when inserting the run (the plugin does)',
    )
  }
  const notSecret = Object.keys(given).filter((key) => !secretKeys.includes(key))
  if (notSecret.length > 0) {
    throw new ValidationError(
      `runs.secret_inputs holds ${notSecret.join(', ')}, which template ${run.template_slug ?? ''} does not declare as secret-typed ` +
        'inputs: send other inputs in runs.inputs',
    )
  }
}

/**
 * The run's plan, made from its pinned template revision and its inputs (secret-typed ones from
 * `given`). A fresh plan first checks where the secret-typed inputs were sent; a run planned by an
 * earlier executor kept them in runs.inputs, as that version asked.
 */
async function planFromTemplate(
  run: RunRow,
  store: RunStore,
  given: Record<string, unknown>,
  { fresh }: { fresh: boolean },
): Promise<Plan> {
  const template = await pinnedTemplate(run, store)
  const parsed = parseTemplate(template.yaml)
  if (!parsed.ok) {
    const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ''
    throw new ValidationError(`${template.label} is invalid: ${formatTemplateError(parsed.errors[0])}${more}`)
  }
  if (fresh) await refuseMisplacedInputs(run, store, parsed.template, given)
  const planned = planRun(parsed.template, { inputs: { ...run.inputs, ...given }, env: run.env })
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
