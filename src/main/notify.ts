/** What figma.notify says when a run the user is watching finishes. */
import type { RunFinishedHandler } from '../messages.ts'
import type { SummaryCardData } from '../client/types.ts'
import { OUTCOME_VIEWS, statusView } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { handle } from './dispatch.ts'
import { cardProblem, updateSummaryCards } from './summary-card.ts'

/** A sentence led by the status's symbol, so the notice reads like the run's badge. */
function runFinishedMessage(card: SummaryCardData): string {
  const title = card.title.length > 80 ? `${card.title.slice(0, 79)}…` : card.title
  const where = card.env ? ` in ${card.env}` : ''
  const symbol = statusView(card.status).symbol
  // A dry run succeeded without sending (all of) its calls: the notice says so.
  if (card.outcome === 'dry_run') return `${OUTCOME_VIEWS.dry_run.symbol} “${title}” finished as a dry run${where}: not everything was sent`
  switch (card.status) {
    case 'success':
      return `${symbol} “${title}” succeeded${where}`
    case 'error':
      return `${symbol} “${title}” failed${where}`
    case 'canceled':
      return `${symbol} “${title}” was canceled${where}`
    case 'waiting_approval':
      return `${symbol} “${title}” is waiting for your approval${where}`
    default:
      return `“${title}” is ${card.status}${where}`
  }
}

export function serveRunFinished(): void {
  handle<RunFinishedHandler>('RUN_FINISHED', 'Could not announce the finished run', async (card) => {
    const problem = cardProblem(card)
    if (problem) throw new Error(problem)
    figma.notify(runFinishedMessage(card), { error: card.status === 'error', timeout: 6000 })
    await updateSummaryCards(card)
  })
}
