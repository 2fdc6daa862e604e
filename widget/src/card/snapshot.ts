/**
 * What a run card keeps in synced state: a small, JSON-only picture of its run, so every viewer
 * of the board sees the same card and a card whose run the viewer cannot read still shows its
 * last known state. Built from the rows the client layer reads; bounded in size.
 */
import type { ArtifactRow, EventRow, RunRow, RunStatus } from '../../../src/client/types.ts'

export const MAX_LINES = 5
export const MAX_ARTIFACTS = 8
const MAX_TEXT = 240

export interface SnapshotLine {
  seq: number
  level: EventRow['level']
  text: string
}

export interface SnapshotArtifact {
  kind: ArtifactRow['kind']
  title: string
  url: string | null
}

export interface RunSnapshot {
  runId: string
  title: string
  templateSlug: string | null
  env: string
  status: RunStatus
  /** Steps of the plan, in order (ids and titles), and how far the run got. */
  steps: { id: string; title: string }[]
  done: number
  currentStep: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  summary: string | null
  error: string | null
  lines: SnapshotLine[]
  artifacts: SnapshotArtifact[]
  artifactCount: number
  /** When this picture was taken (ms since epoch), for "updated Xs ago". */
  syncedAt: number
  /** Who keeps the card live, when someone does. */
  driver: string | null
}

const clip = (text: string, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

export function snapshotOf(
  run: RunRow,
  events: readonly EventRow[],
  artifacts: readonly ArtifactRow[],
  context: { now: number; driver: string | null },
): RunSnapshot {
  const steps = (run.plan?.steps ?? []).map((step) => ({ id: step.id, title: clip(step.title, 80) }))
  const done = steps.filter((step) => ['succeeded', 'skipped'].includes(run.step_results[step.id]?.status ?? '')).length
  return {
    runId: run.id,
    title: clip(run.title, 120),
    templateSlug: run.template_slug,
    env: run.env,
    status: run.status,
    steps,
    done,
    currentStep: run.current_step,
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
    driver: context.driver,
  }
}
