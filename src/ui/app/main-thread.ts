/** What the UI asks of the plugin's main thread, which alone can touch the canvas, notify and store. */
import { emit } from '@create-figma-plugin/utilities'
import type { RunRow, Settings } from '../../client/types.ts'
import type { AddSummaryCardHandler, RunFinishedHandler, SaveSettingsHandler } from '../../messages.ts'
import { summaryCardData } from '../view-models/summary-card-data.ts'

/** Drops a summary card of the run on the canvas; CARD_ADDED or MAIN_ERROR says how it went. */
export function addSummaryCardToBoard(run: RunRow): void {
  emit<AddSummaryCardHandler>('ADD_SUMMARY_CARD', summaryCardData(run))
}

/** A run of the user's ended: the main thread notifies and updates its cards on the board. */
export function announceRunFinished(run: RunRow): void {
  emit<RunFinishedHandler>('RUN_FINISHED', summaryCardData(run))
}

/** Kept in figma.clientStorage, so the plugin opens with them next time. */
export function saveSettings(settings: Settings): void {
  emit<SaveSettingsHandler>('SAVE_SETTINGS', settings)
}
