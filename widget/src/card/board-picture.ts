/**
 * What a board may show of a run: the one rule every card's picture passes through before it is
 * kept in synced state and before it is drawn. Anyone who can open a FigJam file reads every
 * widget's synced state, members of the run's workspace or not, so a card carries only the run's
 * title, template, environment, status, step progress, how many approvals it has, who started it
 * and when. Log lines,
 * summaries, errors and artifacts — and step titles, which a plan fills in from the run's inputs —
 * stay off the board unless the workspace allows details on boards (workspaces.board_details).
 * A picture that does not say its workspace (a card placed before workspaces) shows no details.
 */
import type { RunSnapshot } from './snapshot.ts'

export function boardPicture(picture: RunSnapshot): RunSnapshot {
  const details = picture.workspaceId !== null && picture.boardDetails
  // Field by field: whatever else a picture holds (an earlier build's keys) is not carried.
  return {
    runId: picture.runId,
    workspaceId: picture.workspaceId,
    boardDetails: details,
    startedBy: picture.startedBy,
    title: picture.title,
    templateSlug: picture.templateSlug,
    env: picture.env,
    status: picture.status,
    // The outcome is the status's finer word ("Dry run"), as public as the status itself.
    ...(picture.outcome ? { outcome: picture.outcome } : {}),
    // Progress stays either way: how many steps, and which one runs (by the template's step id).
    steps: picture.steps.map((step) => ({ id: step.id, title: details ? step.title : step.id })),
    done: picture.done,
    currentStep: picture.currentStep,
    // Counts only (approvals.ts): how far a waiting run is, never who decided or why.
    approvals: picture.approvals && {
      given: picture.approvals.given,
      required: picture.approvals.required,
      starterExcluded: picture.approvals.starterExcluded,
    },
    createdAt: picture.createdAt,
    startedAt: picture.startedAt,
    finishedAt: picture.finishedAt,
    summary: details ? picture.summary : null,
    error: details ? picture.error : null,
    lines: details ? picture.lines : [],
    artifacts: details ? picture.artifacts : [],
    artifactCount: details ? picture.artifactCount : 0,
    syncedAt: picture.syncedAt,
  }
}
