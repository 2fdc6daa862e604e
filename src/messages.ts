/**
 * The typed messages between the plugin's main thread and its UI iframe (create-figma-plugin's
 * emit/on). One module serves both sides; the browser preview's stand-in host speaks the same.
 */
import type { EventHandler } from '@create-figma-plugin/utilities'
import type { SummaryCardData, Settings } from './client/types.ts'
import type { SpecBoardData, SpecBoardSuggestion } from './client/spec-board-model.ts'

// ---- UI → main ------------------------------------------------------------------------------

/** supabase-js `auth.storage` in the iframe (no localStorage there) goes to figma.clientStorage. */
export interface StorageGetHandler extends EventHandler {
  name: 'STORAGE_GET'
  handler: (requestId: string, key: string) => void
}
export interface StorageSetHandler extends EventHandler {
  name: 'STORAGE_SET'
  handler: (requestId: string, key: string, value: string) => void
}
export interface StorageRemoveHandler extends EventHandler {
  name: 'STORAGE_REMOVE'
  handler: (requestId: string, key: string) => void
}
export interface SaveSettingsHandler extends EventHandler {
  name: 'SAVE_SETTINGS'
  handler: (settings: Settings) => void
}
/** Drops a run summary card on the canvas, with relaunch data that reopens the plugin on the run. */
export interface AddSummaryCardHandler extends EventHandler {
  name: 'ADD_SUMMARY_CARD'
  handler: (card: SummaryCardData) => void
}
/** A run the user is watching finished: the main thread shows figma.notify. */
export interface RunFinishedHandler extends EventHandler {
  name: 'RUN_FINISHED'
  handler: (card: SummaryCardData) => void
}
/** Drops the document's section on the board, or updates the one there (SPEC_BOARD_ADDED answers). */
export interface SpecBoardAddHandler extends EventHandler {
  name: 'SPEC_BOARD_ADD'
  handler: (board: SpecBoardData) => void
}
/** The document is open in the Spec Kit: update its section if there is one, and watch its frames for stickies. */
export interface SpecBoardSyncHandler extends EventHandler {
  name: 'SPEC_BOARD_SYNC'
  handler: (board: SpecBoardData) => void
}
/** Whether the document has a section on the current page (SPEC_BOARD_FOUND answers): only then does the UI read its board data. */
export interface SpecBoardFindHandler extends EventHandler {
  name: 'SPEC_BOARD_FIND'
  handler: (docId: string) => void
}
/** A suggested sticky was confirmed (the comment it became) or dismissed (null): mark it so. */
export interface SpecBoardResolveHandler extends EventHandler {
  name: 'SPEC_BOARD_RESOLVE'
  handler: (stickyId: string, commentId: string | null) => void
}
export interface ResizeHandler extends EventHandler {
  name: 'RESIZE'
  handler: (width: number, height: number) => void
}

// ---- main → UI ------------------------------------------------------------------------------

/** Answer to STORAGE_GET (value null when absent) or to SET/REMOVE (value undefined). */
export interface StorageResultHandler extends EventHandler {
  name: 'STORAGE_RESULT'
  handler: (requestId: string, value: string | null | undefined, error?: string) => void
}
export interface CardAddedHandler extends EventHandler {
  name: 'CARD_ADDED'
  handler: (runId: string, nodeId: string) => void
}
/** ADD_SUMMARY_CARD for a run that already has a card: that card (`nodeId`) was shown and selected instead. */
export interface CardShownHandler extends EventHandler {
  name: 'CARD_SHOWN'
  handler: (runId: string, nodeId: string) => void
}
export interface SpecBoardAddedHandler extends EventHandler {
  name: 'SPEC_BOARD_ADDED'
  handler: (docId: string, sectionId: string, updated: boolean) => void
}
export interface SpecBoardFoundHandler extends EventHandler {
  name: 'SPEC_BOARD_FOUND'
  handler: (docId: string, sectionId: string | null) => void
}
/** Answer to SPEC_BOARD_SYNC: the section updated, or null when the document has none on this page. */
export interface SpecBoardSyncedHandler extends EventHandler {
  name: 'SPEC_BOARD_SYNCED'
  handler: (docId: string, sectionId: string | null) => void
}
/** A sticky in a requirement's frame, offered as a comment (this plugin claimed it). */
export interface SpecBoardSuggestionHandler extends EventHandler {
  name: 'SPEC_BOARD_SUGGESTION'
  handler: (suggestion: SpecBoardSuggestion) => void
}
/** Answer to SPEC_BOARD_RESOLVE; `taken` when the sticky was not this plugin's to resolve. */
export interface SpecBoardResolvedHandler extends EventHandler {
  name: 'SPEC_BOARD_RESOLVED'
  handler: (stickyId: string, outcome: 'converted' | 'dismissed' | 'taken') => void
}
/** The main thread could not do what was asked; `message` says what and why. */
export interface MainErrorHandler extends EventHandler {
  name: 'MAIN_ERROR'
  handler: (message: string) => void
}
