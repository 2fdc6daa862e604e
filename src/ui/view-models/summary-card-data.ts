/** What the canvas card and the "run finished" notice show about a run. */
import type { SummaryCardData, RunRow } from '../../client/types.ts'
import { outcomeOf } from '../../../supabase/functions/_shared/vocabulary/index.ts'

export function summaryCardData(run: RunRow): SummaryCardData {
  return {
    runId: run.id,
    title: run.title,
    env: run.env,
    status: run.status,
    outcome: outcomeOf(run),
    templateSlug: run.template_slug,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    summary: run.summary ?? run.error,
  }
}
