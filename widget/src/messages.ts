/**
 * The typed messages between the widget's code (which owns synced state and figma.clientStorage)
 * and its window (which has the network: supabase-js, realtime), through create-figma-plugin's
 * emit/on as in the plugin (src/messages.ts). The window keeps its session with the plugin's own
 * STORAGE_* messages, served by the plugin's code; what the window is opened for comes with
 * showUI's data, which create-figma-plugin hands the window's component as props.
 */
import type { EventHandler } from '@create-figma-plugin/utilities'
import type { Settings } from '../../src/client/types.ts'
import type { RunbookButton } from './card/runbook-button.ts'
import type { RunSnapshot } from './card/snapshot.ts'

export type CardAction = 'refresh' | 'rerun' | 'cancel' | 'approve' | 'reject'

export type WindowMode =
  | { kind: 'picker' }
  | { kind: 'live'; runIds: string[] }
  | { kind: 'action'; action: CardAction; runId: string }
  | { kind: 'details'; runId: string }
  /** Approve or reject a waiting run, shown only to those who may (the card is the same for everyone). */
  | { kind: 'review'; runId: string }
  /** Make a runbook button: a workspace's template with its inputs filled in. */
  | { kind: 'place-button' }
  /**
   * Press a runbook button (shown only when it asks for secret inputs), look for a newer revision
   * of its template, or move it to the current one.
   */
  | { kind: 'button'; action: 'run' | 'check' | 'update'; button: RunbookButton }

/** showUI's data: the window's props. */
export interface CardWindowProps {
  mode: WindowMode
  settings: Settings
}

/** An action's outcome: the run's new picture, and for a re-run the new run's. */
export interface ActionResult {
  snapshot?: RunSnapshot
  started?: RunSnapshot
}

/** A button's outcome: the run it started (and a newer revision seen meanwhile), or the button updated. */
export interface ButtonResult {
  started?: RunSnapshot
  newerRevision?: { revisionId: string; revision: number } | null
  button?: RunbookButton
}

// ---- window → widget code --------------------------------------------------------------------

/** The run picked for the card. */
export interface RunPickedHandler extends EventHandler {
  name: 'RUN_PICKED'
  handler: (snapshot: RunSnapshot) => void
}
/**
 * A live run's newest picture (the widget code throttles the card writes). `complete`: the run
 * has finished and every line up to its end is in the picture, so its cards need no driver.
 */
export interface LiveSnapshotHandler extends EventHandler {
  name: 'LIVE_SNAPSHOT'
  handler: (snapshot: RunSnapshot, complete: boolean) => void
}
/**
 * A passing problem of one run's live stream, which retries by itself (null: it cleared). It never
 * ends the live session; the cards show it until it clears.
 */
export interface LiveProblemHandler extends EventHandler {
  name: 'LIVE_PROBLEM'
  handler: (runId: string, problem: string | null) => void
}
/** Every run the live window watches has finished. */
export interface LiveFinishedHandler extends EventHandler {
  name: 'LIVE_FINISHED'
  handler: () => void
}
export interface ActionDoneHandler extends EventHandler {
  name: 'ACTION_DONE'
  handler: (result: ActionResult) => void
}
/**
 * The window could not do what it was opened for; `message` says what and why. A hidden window
 * sends it only for what it cannot recover from (signed out), and closes.
 */
export interface WindowErrorHandler extends EventHandler {
  name: 'WINDOW_ERROR'
  handler: (message: string) => void
}
/** The runbook button made in the window, for the card to become. */
export interface ButtonPlacedHandler extends EventHandler {
  name: 'BUTTON_PLACED'
  handler: (button: RunbookButton) => void
}
export interface ButtonDoneHandler extends EventHandler {
  name: 'BUTTON_DONE'
  handler: (result: ButtonResult) => void
}
