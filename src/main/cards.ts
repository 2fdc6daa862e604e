/** ADD_SUMMARY_CARD: drop a run summary card on the canvas (or show the run's card already there) and tell the UI which node it is. */
import { emit } from '@create-figma-plugin/utilities'
import type { AddSummaryCardHandler, CardAddedHandler, CardShownHandler } from '../messages.ts'
import { handle } from './dispatch.ts'
import { addSummaryCard, cardProblem, showExistingCard } from './summary-card.ts'

export function serveSummaryCards(): void {
  handle<AddSummaryCardHandler>('ADD_SUMMARY_CARD', 'Could not add the summary card to the board', async (card) => {
    const problem = cardProblem(card)
    if (problem) throw new Error(problem)
    // One card per run: adding it again shows the one there instead of dropping a duplicate.
    const existing = await showExistingCard(card)
    if (existing) {
      figma.notify('This run already has a card on the board: showing it')
      emit<CardShownHandler>('CARD_SHOWN', card.runId, existing.id)
      return
    }
    const frame = await addSummaryCard(card)
    emit<CardAddedHandler>('CARD_ADDED', card.runId, frame.id)
  })
}
