// Runbook templates: schema, YAML parsing with positions, inputs, plans, secrets, masking and
// intent parsing. Plain TypeScript shared by the Edge Function (Deno) and the plugin (Node/browser).

export { formatTemplateError } from './errors.ts'
export { parseDuration } from './duration.ts'
export { MAX_STEPS, MAX_TEMPLATE_BYTES } from './limits.ts'

export type { Template } from './schema/template.ts'
export type { InputDefinition } from './schema/input.ts'
export type { Step, StepKind } from './schema/step.ts'
export { isExpectedStatus } from './schema/step-with.ts'

export { parseTemplate, validateTemplate } from './parse-template.ts'
export { POLICY_APPROVAL_STEP_ID } from './checks.ts'

export { interpolate, referencesIn, scanInterpolation } from './interpolation.ts'

export { coerceInput, isBlank, resolveInputs } from './inputs.ts'

export { parseCondition } from './condition/parser.ts'
export { evaluateCondition } from './condition/evaluate.ts'

export { planRun, type Plan, type PlanStep } from './plan.ts'
export { isCurrentPlan, showsSamePlan, type StoredPlan } from './stored-plan.ts'
export { bindStep, missingSecrets, type SecretValues } from './secrets.ts'
export { createMasker, maskDeep, MIN_SECRET_LINE_LENGTH, type Mask } from './masking.ts'

export { parseIntent, type IntentResult, type IntentSuggestion } from './intent/parse-intent.ts'
export { runTitle } from './run-title.ts'
