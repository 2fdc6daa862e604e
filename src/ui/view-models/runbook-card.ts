/**
 * The runbook card: a template with its inputs, the plan a run would follow, whether it needs
 * approval, and whether it can start. The Chat tab builds it from typed text (intent), the
 * Templates tab from a template directly.
 */
import {
  createMasker,
  parseIntent,
  planRun,
  runTitle,
  type IntentSuggestion,
  type Template,
} from '../../../supabase/functions/_shared/runbook/index.ts'
import type { NewRun } from '../../client/types.ts'
import { isRunnable, type CatalogEntry, type RunnableEntry } from './template-catalog.ts'
import { inputFields, rawInputs, type EnteredValues, type InputField } from './input-fields.ts'

export interface PlanStepView {
  id: string
  title: string
  kind: string
  phase: string
  /** Steps whose secrets may be missing on the server run as dry runs; they are named here. */
  secrets: readonly string[]
}

type PlanView =
  | { ok: true; env: string; steps: PlanStepView[]; approvalRequired: boolean; approvalReason: string | null }
  | { ok: false; problems: string[] }

export interface RunbookCardModel {
  slug: string
  /** The template's revision this card was made from: the run pins it, so it runs what the card showed. */
  revisionId: string | null
  /** The template's title. */
  title: string
  /** What the run would be called: the template, the inputs that identify it and the environment. */
  runTitle: string
  description: string
  kind: string
  fields: InputField[]
  /** Keys of required inputs still empty. */
  missing: string[]
  plan: PlanView
  /** `key=value` pairs typed that name no input of this template. */
  unknownPairs: string[]
  /** Values the typed text gave that the parser cut or corrected, and why. */
  notes: string[]
  canRun: boolean
  /** What the typed text said, to keep with the run. */
  intent: string | null
  /** Inputs that the text filled in, for the Chat card's summary. */
  typedKeys: string[]
}

export type IntentCardResult =
  | { kind: 'empty' }
  | { kind: 'no-match'; suggestions: IntentSuggestion[] }
  | { kind: 'card'; card: RunbookCardModel; confidence: number; suggestions: IntentSuggestion[] }

export function runbookCard(
  entry: RunnableEntry,
  typed: Readonly<Record<string, unknown>>,
  entered: EnteredValues,
  extras: { intent?: string | null; unknownPairs?: string[]; notes?: string[]; env?: string | null } = {},
): RunbookCardModel {
  const { template } = entry
  const fields = inputFields(template, typed, entered)
  const missing = fields.filter((field) => field.missing).map((field) => field.key)
  const invalid = fields.filter((field) => field.error !== null)
  // Templates without an env input run where the text says, else in staging.
  const planned = planRun(template, { inputs: rawInputs(fields), ...(hasEnvInput(template) ? {} : { env: extras.env ?? 'staging' }) })
  let plan: PlanView
  if (planned.ok) {
    plan = {
      ok: true,
      env: planned.plan.env,
      steps: planned.plan.steps.map((step) => ({
        id: step.id,
        title: step.title,
        kind: step.kind,
        phase: step.phase,
        secrets: step.secretsUsed,
      })),
      approvalRequired: planned.plan.approvalRequired,
      approvalReason: planned.plan.approvalReason ?? null,
    }
  } else {
    const problems = planned.errors.map((error) => `${labelOf(fields, error.key)}: ${error.message}`)
    for (const key of planned.missing) problems.push(`${labelOf(fields, key)} is required`)
    plan = { ok: false, problems }
  }
  return {
    slug: entry.slug,
    revisionId: entry.row.revision_id,
    title: template.title,
    runTitle: runTitle(template, rawInputs(fields), plan.ok ? plan.env : titleEnv(rawInputs(fields).env, extras.env)),
    description: template.description ?? entry.row.description ?? '',
    kind: template.kind,
    fields,
    missing,
    plan,
    unknownPairs: extras.unknownPairs ?? [],
    notes: extras.notes ?? [],
    canRun: plan.ok && missing.length === 0 && invalid.length === 0,
    intent: extras.intent ?? null,
    typedKeys: Object.keys(typed),
  }
}

/**
 * Typed text to a card. `chosenSlug` is a suggestion the person picked: its template is used
 * even when the text alone was not a sure match.
 */
export function intentCard(
  text: string,
  catalog: readonly CatalogEntry[],
  entered: EnteredValues,
  chosenSlug: string | null = null,
): IntentCardResult {
  if (text.trim() === '') return { kind: 'empty' }
  const usable = catalog.filter(isRunnable)
  const result = parseIntent(
    text,
    usable.map(({ slug, template }) => ({ slug, template })),
  )
  const slug = chosenSlug ?? result.slug
  const entry = usable.find((candidate) => candidate.slug === slug)
  if (entry === undefined) return { kind: 'no-match', suggestions: result.suggestions }
  const fromText = result.slug === entry.slug ? result : parseIntent(text, [{ slug: entry.slug, template: entry.template }])
  const typed = fromText.slug === entry.slug ? fromText.inputs : {}
  const card = runbookCard(entry, typed, entered, {
    intent: text.trim(),
    unknownPairs: fromText.unknownPairs.map((pair) => `${pair.key}=${pair.value}`),
    notes: fromText.slug === entry.slug ? fromText.notes : [],
    // Templates without an env input take the environment the text names.
    env: fromText.env,
  })
  return {
    kind: 'card',
    card,
    confidence: chosenSlug === null ? result.confidence : 1,
    suggestions: result.suggestions.filter((suggestion) => suggestion.slug !== entry.slug),
  }
}

/** The run to insert for a card that can run; null when it cannot. */
export function newRunFromCard(card: RunbookCardModel, dryRun: boolean): NewRun | null {
  if (!card.canRun || !card.plan.ok) return null
  const env = card.plan.env
  const { inputs, secretInputs } = splitInputs(rawInputs(card.fields), card.fields)
  // The intent text is stored where members read it: a secret typed into it does not go along.
  const hideSecrets = createMasker(Object.values(secretInputs))
  return {
    templateSlug: card.slug,
    templateRevisionId: card.revisionId,
    kind: card.kind,
    env,
    title: card.runTitle,
    ...(card.intent === null ? {} : { intent: hideSecrets(card.intent) }),
    inputs,
    ...(Object.keys(secretInputs).length > 0 ? { secretInputs } : {}),
    dryRun,
  }
}

/** Secret-typed inputs go apart from the others: members read the run's inputs, never its secret ones. */
function splitInputs(raw: Record<string, unknown>, fields: readonly InputField[]) {
  const inputs: Record<string, unknown> = {}
  const secretInputs: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (fields.find((field) => field.key === key)?.kind === 'secret') secretInputs[key] = String(value)
    else inputs[key] = value
  }
  return { inputs, secretInputs }
}

function hasEnvInput(template: Template): boolean {
  return template.inputs.some((input) => input.key === 'env')
}

function labelOf(fields: readonly InputField[], key: string): string {
  return fields.find((field) => field.key === key)?.label ?? key
}

/** The environment a card that cannot plan yet names in its title: the env typed, else where it would run. */
function titleEnv(typed: unknown, fromText: string | null | undefined): string {
  return typeof typed === 'string' && typed !== '' ? typed : (fromText ?? 'staging')
}
