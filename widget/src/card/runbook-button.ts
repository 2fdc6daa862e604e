/**
 * A runbook button: the second kind of card. It holds a template of one workspace, pinned at one
 * revision, with its inputs filled in ("Deploy web → production, ref main"); pressing Run starts a
 * run of exactly that revision with those inputs. Like everything in synced state it is read by
 * anyone who opens the board, so it carries only what the person who placed it chose to show:
 * the template, the environment and the non-secret inputs. Secret-typed inputs are never kept:
 * their keys are, and they are asked for at each press.
 *
 * The card keeps the button beside its `snapshot` (card-state.ts): the picture of the button's
 * last run, so its status shows on the button and Go live keeps it moving like any run card.
 */
import { isRecord } from '../../../src/is-record.ts'

/** An input value a button may keep (JSON, and what a form field gives). */
export type ButtonInput = string | number | boolean

export interface RunbookButton {
  workspaceId: string
  templateSlug: string
  /** The template's title at the pinned revision. */
  title: string
  kind: string
  /** template_revisions.id the run pins, and its number ("rev 3"). */
  revisionId: string
  revision: number
  env: string
  /** The non-secret inputs, as the run gets them. */
  inputs: Record<string, ButtonInput>
  /** Keys of the template's secret-typed inputs: asked for at each press, never kept. */
  secretKeys: string[]
  /** Who placed it (their display name in the workspace). */
  placedBy: string | null
  /** A newer revision of the template seen at the last press or check (null: none known). */
  newerRevision: { revisionId: string; revision: number } | null
}

const MAX_INPUTS = 20
const MAX_VALUE = 200
const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value)
const isText = (value: unknown, max = MAX_VALUE): value is string => typeof value === 'string' && value.length <= max

function isInputs(value: unknown): value is Record<string, ButtonInput> {
  if (!isRecord(value)) return false
  const entries = Object.entries(value)
  return (
    entries.length <= MAX_INPUTS &&
    entries.every(
      ([key, input]) =>
        isText(key, 64) && (isText(input) || typeof input === 'boolean' || (typeof input === 'number' && Number.isFinite(input))),
    )
  )
}

function isRevisionRef(value: unknown): value is { revisionId: string; revision: number } {
  return isRecord(value) && isText(value.revisionId) && isWhole(value.revision)
}

/**
 * The button a card keeps, or null: synced state is written by whichever build someone on the
 * board runs, and the window is another bundle, so nothing is taken on trust. Field by field, so
 * nothing else rides along.
 */
export function readButton(value: unknown): RunbookButton | null {
  if (
    !isRecord(value) ||
    !isText(value.workspaceId) ||
    !isText(value.templateSlug) ||
    !isText(value.title) ||
    !isText(value.kind) ||
    !isText(value.revisionId) ||
    !isWhole(value.revision) ||
    !isText(value.env) ||
    !isInputs(value.inputs) ||
    !Array.isArray(value.secretKeys) ||
    !value.secretKeys.every((key) => isText(key, 64)) ||
    !(value.placedBy === null || isText(value.placedBy)) ||
    !(value.newerRevision === null || value.newerRevision === undefined || isRevisionRef(value.newerRevision))
  ) {
    return null
  }
  const newer = value.newerRevision ?? null
  return {
    workspaceId: value.workspaceId,
    templateSlug: value.templateSlug,
    title: value.title,
    kind: value.kind,
    revisionId: value.revisionId,
    revision: value.revision,
    env: value.env,
    inputs: { ...value.inputs },
    secretKeys: [...value.secretKeys],
    placedBy: value.placedBy,
    newerRevision: newer && { revisionId: newer.revisionId, revision: newer.revision },
  }
}

/** The inputs of a run a button may keep: text, numbers and yes/no (what a runbook form gives). */
export function buttonInputs(inputs: Record<string, unknown>): Record<string, ButtonInput> {
  return Object.fromEntries(
    Object.entries(inputs).filter(
      (entry): entry is [string, ButtonInput] =>
        typeof entry[1] === 'string' || typeof entry[1] === 'boolean' || (typeof entry[1] === 'number' && Number.isFinite(entry[1])),
    ),
  )
}

/** What the button says it does: "Deploy web → production, ref main" (env is in the arrow, not repeated). */
export function buttonLabel(button: Pick<RunbookButton, 'title' | 'env' | 'inputs'>): string {
  const shown = Object.entries(button.inputs)
    .filter(([key]) => key !== 'env')
    .map(([key, value]) => `${key} ${String(value)}`)
  return [`${button.title} → ${button.env}`, ...shown].join(', ')
}
