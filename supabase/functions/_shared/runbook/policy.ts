import { evaluateCondition, type ConditionScope } from './condition/evaluate.ts'
import { parseCondition } from './condition/parser.ts'
import type { Template } from './schema/template.ts'

/** Whether the template's policy asks for approval of a run with these values, and why. */
export function policyApproval(template: Template, scope: ConditionScope): { required: boolean; reason?: string } {
  const when = template.policy?.approval?.when
  if (when === undefined) return { required: false }
  const parsed = parseCondition(when)
  // A template that passed validation always parses; one that did not is treated as needing approval.
  if (!parsed.ok) return { required: true, reason: `Approval required: the policy condition "${when}" cannot be read` }
  if (!evaluateCondition(parsed.condition, scope)) return { required: false }
  return { required: true, reason: `Approval required by policy: ${when}` }
}
