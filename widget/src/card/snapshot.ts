/**
 * What a run card keeps in synced state: a small, JSON-only picture of its run, so every viewer
 * of the board sees the same card and a card whose run the viewer cannot read still shows its
 * last known state. Built from the rows the client layer reads; bounded in size; and only what
 * the run's workspace lets a board show (board-picture.ts), since anyone who opens the file can
 * read a widget's synced state.
 */
import type { ArtifactRow, BoardFacts, EventRow, RunRow, RunStatus } from '../../../src/client/types.ts'
import { isRecord } from '../../../src/is-record.ts'
import { EVENT_LEVELS, isRunStatus, outcomeOf, RUN_OUTCOMES, type Outcome } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { approvalsOf, isSnapshotApprovals, type SnapshotApprovals } from './approvals.ts'
import { boardPicture } from './board-picture.ts'

export const MAX_LINES = 5
export const MAX_ARTIFACTS = 8
const MAX_TEXT = 240

interface SnapshotLine {
  seq: number
  level: EventRow['level']
  text: string
}

interface SnapshotArtifact {
  kind: ArtifactRow['kind']
  title: string
  url: string | null
}

export interface RunSnapshot {
  runId: string
  /** The run's workspace; null on a card placed before workspaces (it shows no details). */
  workspaceId: string | null
  /** Whether the workspace lets boards show details (workspaces.board_details) when the picture was taken. */
  boardDetails: boolean
  /** Who started the run: their display name in the workspace. */
  startedBy: string | null
  title: string
  templateSlug: string | null
  env: string
  status: RunStatus
  /** How the run ended (a dry run is not a plain success); null while it runs, missing in earlier pictures. */
  outcome?: Outcome | null
  /** Steps of the plan, in order (ids and titles), and how far the run got. */
  steps: { id: string; title: string }[]
  done: number
  currentStep: string | null
  /** While the run waits for approval: how many it has and needs (null otherwise). */
  approvals: SnapshotApprovals | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  summary: string | null
  error: string | null
  lines: SnapshotLine[]
  artifacts: SnapshotArtifact[]
  artifactCount: number
  /** When the window took this picture (ms since epoch, its clock): the card shows it as "updated 14:02:31 UTC". */
  syncedAt: number
}

const clip = (text: string, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

export function snapshotOf(
  run: RunRow,
  events: readonly EventRow[],
  artifacts: readonly ArtifactRow[],
  context: { now: number; board: BoardFacts },
): RunSnapshot {
  const { board } = context
  const steps = (run.plan?.steps ?? []).map((step) => ({ id: step.id, title: clip(step.title, 80) }))
  const done = steps.filter((step) => ['succeeded', 'skipped'].includes(run.step_results[step.id]?.status ?? '')).length
  return boardPicture({
    runId: run.id,
    workspaceId: board.workspaceId,
    boardDetails: board.boardDetails,
    startedBy: board.startedBy === null ? null : clip(board.startedBy, 80),
    title: clip(run.title, 120),
    templateSlug: run.template_slug,
    env: run.env,
    status: run.status,
    ...outcomeEntry(run),
    steps,
    done,
    currentStep: run.current_step,
    approvals: approvalsOf(run),
    createdAt: run.created_at,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    summary: run.summary ? clip(run.summary) : null,
    error: run.error ? clip(run.error) : null,
    lines: events.slice(-MAX_LINES).map((event) => ({ seq: event.seq, level: event.level, text: clip(event.message) })),
    artifacts: artifacts
      .slice(0, MAX_ARTIFACTS)
      .map((artifact) => ({ kind: artifact.kind, title: clip(artifact.title, 80), url: artifact.url })),
    artifactCount: artifacts.length,
    syncedAt: context.now,
  })
}

/** The finished run's outcome, kept only once there is one (pictures of running runs stay as they were). */
function outcomeEntry(run: RunRow): { outcome?: Outcome } {
  const outcome = outcomeOf(run)
  return outcome === null ? {} : { outcome }
}

/** Every artifact kind, so a kind read back can be checked (the compiler keeps it complete). */
const ARTIFACT_KINDS: Readonly<Record<SnapshotArtifact['kind'], true>> = { link: true, diff: true, file: true }

const isText = (value: unknown): value is string => typeof value === 'string'
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string'
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

function isLine(value: unknown): value is SnapshotLine {
  return isRecord(value) && isCount(value.seq) && (EVENT_LEVELS as readonly unknown[]).includes(value.level) && isText(value.text)
}

function isArtifact(value: unknown): value is SnapshotArtifact {
  return (
    isRecord(value) &&
    isText(value.kind) &&
    Object.prototype.hasOwnProperty.call(ARTIFACT_KINDS, value.kind) &&
    isText(value.title) &&
    isTextOrNull(value.url)
  )
}

function isStep(value: unknown): value is RunSnapshot['steps'][number] {
  return isRecord(value) && isText(value.id) && isText(value.title)
}

/** A picture as a build before workspaces wrote it: without the board's facts (nor, before teams, the approvals). */
export type EarlierRunSnapshot = Omit<RunSnapshot, 'workspaceId' | 'boardDetails' | 'startedBy' | 'approvals'> & Partial<RunSnapshot>

/**
 * Whether a value is a run's picture: what a card's synced state holds (written by whichever
 * version of the widget someone on the board runs) and what the window sends the widget's code.
 * Fields it does not know are allowed (version 1 kept the driver's name in the picture), and the
 * board's facts may be missing (builds before workspaces): card-state.ts's readPicture fills them in.
 */
export function isEarlierRunSnapshot(value: unknown): value is EarlierRunSnapshot {
  return (
    isRecord(value) &&
    (value.workspaceId === undefined || isTextOrNull(value.workspaceId)) &&
    (value.boardDetails === undefined || typeof value.boardDetails === 'boolean') &&
    (value.startedBy === undefined || isTextOrNull(value.startedBy)) &&
    isText(value.runId) &&
    isText(value.title) &&
    isTextOrNull(value.templateSlug) &&
    isText(value.env) &&
    isRunStatus(value.status) &&
    (value.outcome === undefined || value.outcome === null || (RUN_OUTCOMES as readonly unknown[]).includes(value.outcome)) &&
    Array.isArray(value.steps) &&
    value.steps.every(isStep) &&
    isCount(value.done) &&
    isTextOrNull(value.currentStep) &&
    (value.approvals === undefined || value.approvals === null || isSnapshotApprovals(value.approvals)) &&
    isText(value.createdAt) &&
    isTextOrNull(value.startedAt) &&
    isTextOrNull(value.finishedAt) &&
    isTextOrNull(value.summary) &&
    isTextOrNull(value.error) &&
    Array.isArray(value.lines) &&
    value.lines.every(isLine) &&
    Array.isArray(value.artifacts) &&
    value.artifacts.every(isArtifact) &&
    isCount(value.artifactCount) &&
    isCount(value.syncedAt)
  )
}
