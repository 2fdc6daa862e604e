/** ADD_SUMMARY_CARD: drop a run summary card on the canvas and tell the UI which node it became. */
import { emit } from '@create-figma-plugin/utilities'
import type { AddSummaryCardHandler, CardAddedHandler } from '../messages.ts'
import { handle } from './dispatch.ts'
import { addSummaryCard, cardProblem } from './summary-card.ts'

export function serveSummaryCards(): void {
  handle<AddSummaryCardHandler>('ADD_SUMMARY_CARD', 'Could not add the summary card to the board', async (card) => {
    const problem = cardProblem(card)
    if (problem) throw new Error(problem)
    const frame = await addSummaryCard(card)
    emit<CardAddedHandler>('CARD_ADDED', card.runId, frame.id)
  })
}
