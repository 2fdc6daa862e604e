// Runbook templates: schema, YAML parsing with positions, inputs, plans, secrets, masking and
// intent parsing. Plain TypeScript shared by the Edge Function (Deno) and the plugin (Node/browser).

export { formatPath, formatTemplateError, type PathSegment, type TemplateError, type TemplateIssue } from './errors.ts'
export { DURATION_EXPECTED, MAX_DURATION_MS, parseDuration } from './duration.ts'
export { MAX_TEMPLATE_BYTES } from './yaml/load-yaml.ts'

export { templateSchema, type Template } from './schema/template.ts'
export {
  INPUT_TYPES,
  inputSchema,
  matchesPattern,
  secretSchema,
  type InputDefinition,
  type InputType,
  type SecretDefinition,
} from './schema/input.ts'
export { STEP_KINDS, stepSchema, type Retry, type Step, type StepKind } from './schema/step.ts'
export {
  HTTP_METHODS,
  isExpectedStatus,
  type ApprovalWith,
  type GithubDispatchWith,
  type HttpWith,
  type SpecWith,
  type WaitWith,
} from './schema/step-with.ts'

export { parseTemplate, validateTemplate, type ParseTemplateResult, type ValidateTemplateResult } from './parse-template.ts'
export { checkTemplate, POLICY_APPROVAL_STEP_ID } from './checks.ts'

export {
  formatReference,
  interpolate,
  REFERENCE_EXPECTED,
  referenceExpression,
  referencesIn,
  scanInterpolation,
  type InterpolationProblem,
  type Reference,
  type TemplatePart,
} from './interpolation.ts'

export { coerceInput, isBlank, resolveInputs, type InputProblem, type InputValue, type ResolvedInputs } from './inputs.ts'

export { parseCondition, type Condition, type ConditionProblem, type ConditionValue, type ParsedCondition } from './condition/parser.ts'
export { evaluateCondition, type ConditionScope } from './condition/evaluate.ts'
export { policyApproval } from './policy.ts'

export { planRun, type Plan, type PlanOptions, type PlanResult, type PlanStep } from './plan.ts'
export { bindSecrets, missingSecrets, type SecretValues } from './secrets.ts'
export { createMasker, MASK, maskDeep, SHORT_SECRET_LENGTH } from './masking.ts'

export { parseIntent, type IntentResult, type IntentSuggestion, type IntentTemplate } from './intent/parse-intent.ts'
export type { TypedPair } from './intent/pairs.ts'
