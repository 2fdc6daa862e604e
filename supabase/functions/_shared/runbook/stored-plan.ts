/**
 * What runs.plan may hold: a plan of this version, or one stored by an earlier version of the
 * executor for a run that has not finished yet (it resumes after an approval, a wait or a crash).
 *
 * Version 1 plans had no `source` in their steps: the executor filled secrets into the plan's
 * already filled-in text, so an input value could smuggle in a reference. Such a plan is never
 * bound. The executor plans the run again from its pinned template and inputs, and goes on with
 * the new plan only when it shows exactly what the stored one showed (what was approved);
 * otherwise the run fails validation and says to start it again.
 */
import { PLAN_VERSION, type Plan, type PlanStep } from './plan.ts'

/** A plan stored by version 1: steps without `source`, no `inputs`. */
export type PlanV1 = Omit<Plan, 'version' | 'steps' | 'inputs'> & { version: 1; steps: Array<Omit<PlanStep, 'source'>> }

export type StoredPlan = Plan | PlanV1

export function isCurrentPlan(plan: StoredPlan): plan is Plan {
  return plan.version === PLAN_VERSION
}

/** Whether `fresh`, stripped of what version 2 added, is exactly the version 1 plan `stored`. */
export function showsSamePlan(stored: PlanV1, fresh: Plan): boolean {
  const { inputs: _inputs, steps, ...rest } = fresh
  const asVersion1 = { ...rest, version: 1, steps: steps.map(({ source: _source, ...step }) => step) }
  return canonical(stored) === canonical(asVersion1)
}

/** JSON with keys sorted at every level (the database does not keep key order) and undefined left out. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  )
}
