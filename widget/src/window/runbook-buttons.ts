/**
 * The window's side of runbook buttons, as the signed-in person (RLS and the database's role
 * checks decide: operators and up start runs; a refusal comes back as a sentence that names the
 * role needed and the role held). A button is made from the plugin's own runbook card model, so
 * its inputs are checked as the plugin checks them; pressing it starts a run pinned to the
 * button's revision, whatever the template's current one is, and reports a newer one.
 */
import type { OpsClient } from '../../../src/client/supabase.ts'
import { postgrestError } from '../../../src/client/errors.ts'
import type { TemplateRow } from '../../../src/client/types.ts'
import type { EnteredValues } from '../../../src/ui/view-models/input-fields.ts'
import { newRunFromCard, runbookCard, type RunbookCardModel } from '../../../src/ui/view-models/runbook-card.ts'
import { isRunnable, templateCatalog } from '../../../src/ui/view-models/template-catalog.ts'
import { buttonInputs, type RunbookButton } from '../card/runbook-button.ts'
import type { ButtonResult } from '../messages.ts'
import { readSnapshot } from './run-snapshot.ts'
import { apiIn, myWorkspaces } from './team.ts'
import { roleAtLeast } from '../../../supabase/functions/_shared/vocabulary/index.ts'

/** Stands in for a secret input while a button is made or updated: its value is asked at each press, never kept. */
const SECRET_PLACEHOLDER = 'asked-at-each-run'

/** The card model for placing a button: secret fields filled with a stand-in (and not shown), so the plan can be checked without them. */
export function placementCard(template: TemplateRow, entered: EnteredValues): RunbookCardModel | null {
  const [entry] = templateCatalog([template])
  if (!isRunnable(entry)) return null
  const secrets = Object.fromEntries(
    entry.template.inputs.filter((input) => input.type === 'secret').map((input) => [input.key, SECRET_PLACEHOLDER]),
  )
  return runbookCard(entry, {}, { ...entered, ...secrets })
}

/** The button a placement card makes; null while the card cannot run. Secret values are dropped here. */
export function buttonFromCard(
  card: RunbookCardModel,
  context: { workspaceId: string; revision: number; placedBy: string | null },
): RunbookButton | null {
  const run = newRunFromCard(card, false)
  if (run === null || card.revisionId === null) return null
  return {
    workspaceId: context.workspaceId,
    templateSlug: card.slug,
    title: card.title,
    kind: card.kind,
    revisionId: card.revisionId,
    revision: context.revision,
    env: run.env,
    inputs: buttonInputs(run.inputs),
    secretKeys: card.fields.filter((field) => field.kind === 'secret').map((field) => field.key),
    placedBy: context.placedBy,
    newerRevision: null,
  }
}

/** The template as its workspace has it now (null: deleted), with its current revision's number. */
async function currentTemplate(client: OpsClient, button: RunbookButton): Promise<{ row: TemplateRow; revision: number } | null> {
  const template = await client
    .from('run_templates')
    .select('*')
    .eq('workspace_id', button.workspaceId)
    .eq('slug', button.templateSlug)
    .maybeSingle()
  if (template.error) throw postgrestError(`Could not read the template "${button.templateSlug}"`, template.error, template.status)
  if (template.data === null || template.data.revision_id === null) return null
  return { row: template.data, revision: await revisionNumber(client, template.data.revision_id) }
}

export async function revisionNumber(client: OpsClient, revisionId: string): Promise<number> {
  const { data, error, status } = await client.from('template_revisions').select('revision').eq('id', revisionId).single()
  if (error) throw postgrestError('Could not read the template’s revision', error, status)
  return data.revision
}

/** Run: a run of the button's pinned revision with its inputs (and the secret ones typed for this press only). */
export async function pressButton(
  client: OpsClient,
  button: RunbookButton,
  secretInputs: Record<string, string> = {},
): Promise<ButtonResult> {
  // Said before trying: the database refuses anyway, but row-level security does not say why.
  const workspace = (await myWorkspaces(client)).find((mine) => mine.id === button.workspaceId)
  if (!workspace) throw new Error('This button belongs to a workspace you are not a member of: ask its admin for an invite.')
  if (!roleAtLeast(workspace.role, 'operator')) {
    throw new Error(`Only operators and up may run this button; you are a ${workspace.role} in ${workspace.name}.`)
  }
  const missing = button.secretKeys.filter((key) => !secretInputs[key])
  if (missing.length > 0) throw new Error(`This button asks for ${missing.join(', ')} at each run; enter them to run it.`)
  const api = apiIn(client, button.workspaceId)
  const run = await api.startRun({
    templateSlug: button.templateSlug,
    templateRevisionId: button.revisionId,
    workspaceId: button.workspaceId,
    kind: button.kind,
    env: button.env,
    title: `${button.title} in ${button.env}`,
    inputs: button.inputs,
    ...(button.secretKeys.length > 0 ? { secretInputs } : {}),
  })
  return { started: await readSnapshot(api, run.id), ...(await checkButton(client, button)) }
}

/** Check: whether the template has a revision newer than the button's (the card then says so and offers Update). */
export async function checkButton(client: OpsClient, button: RunbookButton): Promise<ButtonResult> {
  const current = await currentTemplate(client, button)
  return {
    newerRevision:
      current && current.row.revision_id !== button.revisionId
        ? { revisionId: current.row.revision_id!, revision: current.revision }
        : null,
  }
}

/** Update: the same inputs on the template's current revision, checked as a new button would be. */
export async function updateButton(client: OpsClient, button: RunbookButton): Promise<ButtonResult> {
  const current = await currentTemplate(client, button)
  if (current === null)
    throw new Error(`The template "${button.templateSlug}" was deleted; this button keeps running rev ${button.revision}.`)
  const entered = Object.fromEntries(
    Object.entries(button.inputs).map(([key, value]) => [key, typeof value === 'boolean' ? value : String(value)]),
  )
  const card = placementCard(current.row, entered)
  if (card === null) throw new Error(`Rev ${current.revision} of "${button.templateSlug}" does not parse; ask an admin to fix it.`)
  const updated = buttonFromCard(card, { workspaceId: button.workspaceId, revision: current.revision, placedBy: button.placedBy })
  if (updated === null) {
    const problems = card.plan.ok ? card.missing.join(', ') : card.plan.problems.join('; ')
    throw new Error(
      `Rev ${current.revision} of "${button.templateSlug}" does not run with this button’s inputs (${problems}); place a new button.`,
    )
  }
  return { button: updated }
}
