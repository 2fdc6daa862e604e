import type { PathSegment, TemplateIssue } from './errors.ts'
import { checkCondition } from './condition/check.ts'
import { parseCondition } from './condition/parser.ts'
import { checkReferences } from './references.ts'
import type { Template } from './schema/template.ts'
import { ENVIRONMENT_GATE_STEP } from '../vocabulary/index.ts'

/** The id planRun gives the approval step that the policy adds. */
export const POLICY_APPROVAL_STEP_ID = 'policy-approval'

/** Step ids the executor and planner use themselves, and what each is for. */
const RESERVED_STEP_IDS: Readonly<Record<string, string>> = {
  [POLICY_APPROVAL_STEP_ID]: 'the approval the policy adds',
  [ENVIRONMENT_GATE_STEP]: 'the approval a protected environment asks for',
}

/** Rules that span fields, run once the structure is known to be right. */
export function checkTemplate(template: Template): TemplateIssue[] {
  const issues: TemplateIssue[] = []
  const unique = (values: string[], path: (index: number) => PathSegment[], noun: string) => {
    const first = new Map<string, number>()
    values.forEach((value, index) => {
      const earlier = first.get(value)
      if (earlier === undefined) first.set(value, index)
      else
        issues.push({
          path: path(index),
          message: `duplicate ${noun} "${value}" (first used at index ${earlier})`,
          expected: `a unique ${noun}`,
        })
    })
  }

  unique(
    template.inputs.map((input) => input.key),
    (i) => ['inputs', i, 'key'],
    'input key',
  )
  unique(
    template.secrets.map((secret) => secret.name),
    (i) => ['secrets', i, 'name'],
    'secret name',
  )
  unique(
    template.steps.map((step) => step.id),
    (i) => ['steps', i, 'id'],
    'step id',
  )
  template.steps.forEach((step, index) => {
    const reservedFor = Object.prototype.hasOwnProperty.call(RESERVED_STEP_IDS, step.id) ? RESERVED_STEP_IDS[step.id] : undefined
    if (reservedFor !== undefined) {
      issues.push({ path: ['steps', index, 'id'], message: `"${step.id}" is reserved for ${reservedFor}`, expected: 'another id' })
    }
  })

  issues.push(...checkReferences(template))

  const when = template.policy?.approval?.when
  if (when !== undefined) {
    const path = ['policy', 'approval', 'when']
    const parsed = parseCondition(when)
    if (!parsed.ok) issues.push({ path, ...parsed.problem })
    else for (const problem of checkCondition(parsed.condition, template.inputs)) issues.push({ path, ...problem })
  }
  return issues
}
