/** What the canvas card and the "run finished" notice show about a run. */
import type { RunCardData, RunRow } from '../../client/types.ts'

export function runCardData(run: RunRow): RunCardData {
  return {
    runId: run.id,
    title: run.title,
    env: run.env,
    status: run.status,
    templateSlug: run.template_slug,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    summary: run.summary ?? run.error,
  }
}
