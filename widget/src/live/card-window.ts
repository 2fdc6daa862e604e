/**
 * Opens the card's window (visible for picking a run or showing one, hidden for keeping cards
 * live and for actions) and serves it with the plugin's own plumbing: create-figma-plugin's
 * messages, the plugin's session storage server (same key prefix and size limit) and its
 * dispatch, so a failure or a message nobody handles is reported instead of lost. The widget's
 * code has no screen of its own, so it reports with figma.notify.
 *
 * The session (a promise) keeps the widget's code alive (a pending click handler) until the
 * window is done; then the code is closed, which also closes the window. Before that, `onEnd` runs
 * whatever the reason (done, a hidden window's error, `close()`), so a live driver writes what it
 * still holds. Opening another window replaces this one (figma.showUI shows one window at a time):
 * the earlier session ends first, cleanly, without closing the code.
 */
import { showUI } from '@create-figma-plugin/utilities'
import { buildTimeSettings } from '../../../src/build-settings.ts'
import { handle, reportUnhandledMessages } from '../../../src/main/dispatch.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import { serveSessionStorage } from '../../../src/main/storage.ts'
import { isRecord } from '../../../src/is-record.ts'
import { readPicture } from '../card/card-state.ts'
import type { RunSnapshot } from '../card/snapshot.ts'
import { readButton, type RunbookButton } from '../card/runbook-button.ts'
import { moveLegacySession } from './legacy-session.ts'
import type {
  ActionDoneHandler,
  ActionResult,
  ButtonDoneHandler,
  ButtonPlacedHandler,
  ButtonResult,
  CardWindowProps,
  LiveFinishedHandler,
  LiveProblemHandler,
  LiveSnapshotHandler,
  RunPickedHandler,
  WindowErrorHandler,
  WindowMode,
} from '../messages.ts'

export interface CardWindowHandlers {
  onPicked?(snapshot: RunSnapshot): void
  onSnapshot?(snapshot: RunSnapshot, complete: boolean): void
  onProblem?(runId: string, problem: string | null): void
  onDone?(result: ActionResult): void | Promise<void>
  onButtonPlaced?(button: RunbookButton): void
  /** Returns 'keep-code' when more follows in the same run of the code (a press goes live next). */
  onButtonDone?(result: ButtonResult): 'keep-code' | void
  /** The session is ending, for whatever reason: the last moment to write into cards. */
  onEnd?(): void
}

/** Settles when the window is done; `close()` ends it from the widget's side (the code closes). */
export type CardWindowSession = Promise<void> & { close(): void }

export interface CardWindowOptions {
  visible: boolean
  title?: string
  width?: number
  height?: number
}

const notifyError = (message: string) => {
  figma.notify(message, { error: true })
}

/**
 * The window is another bundle (possibly of another build): what it sends is checked, and passed
 * through the board rule, before a card keeps it.
 */
function checkedSnapshot(snapshot: unknown): RunSnapshot {
  const picture = readPicture(snapshot)
  if (picture === null) throw new Error('the window sent something that is not a run’s picture; rebuild the widget')
  return picture
}

function checkedResult(result: unknown): ActionResult {
  if (!isRecord(result)) throw new Error('the window sent no action result; rebuild the widget')
  return {
    ...(result.snapshot === undefined ? {} : { snapshot: checkedSnapshot(result.snapshot) }),
    ...(result.started === undefined ? {} : { started: checkedSnapshot(result.started) }),
  }
}

function checkedButton(button: unknown): RunbookButton {
  const checked = readButton(button)
  if (checked === null) throw new Error('the window sent something that is not a runbook button; rebuild the widget')
  return checked
}

function checkedButtonResult(result: unknown): ButtonResult {
  if (!isRecord(result)) throw new Error('the window sent no button result; rebuild the widget')
  return {
    ...(result.started === undefined ? {} : { started: checkedSnapshot(result.started) }),
    ...(result.button === undefined ? {} : { button: checkedButton(result.button) }),
    ...(isRecord(result.newerRevision) &&
    typeof result.newerRevision.revisionId === 'string' &&
    typeof result.newerRevision.revision === 'number' &&
    Number.isInteger(result.newerRevision.revision)
      ? { newerRevision: { revisionId: result.newerRevision.revisionId, revision: result.newerRevision.revision } }
      : {}),
  }
}

/** create-figma-plugin owns figma.ui.onmessage; it is wrapped once per run of the widget's code. */
let reportingUnhandled = false

/** The open window's session, ended without closing the code when another window replaces it. */
let replaceOpen: (() => void) | null = null

export function openCardWindow(mode: WindowMode, options: CardWindowOptions, handlers: CardWindowHandlers = {}): CardWindowSession {
  if (!reportingUnhandled) {
    reportUnhandledMessages(notifyError)
    reportingUnhandled = true
  }
  replaceOpen?.()
  let finish: (closeCode: boolean) => void = () => {}
  const session = new Promise<void>((resolve) => {
    const stops: (() => void)[] = []
    let finished = false
    finish = (closeCode) => {
      if (finished) return
      finished = true
      if (replaceOpen === replace) replaceOpen = null
      for (const stop of stops) stop()
      try {
        handlers.onEnd?.()
      } catch (error) {
        notifyError(`Could not write the last updates into the cards: ${errorMessage(error)}`)
      }
      resolve()
      if (closeCode) figma.closePlugin()
    }
    const replace = () => finish(false)
    replaceOpen = replace
    // Handlers first, as in the plugin: the window asks for its session as soon as it is shown.
    stops.push(
      serveSessionStorage(notifyError),
      handle<RunPickedHandler>(
        'RUN_PICKED',
        'Could not show the picked run',
        (snapshot) => {
          handlers.onPicked?.(checkedSnapshot(snapshot))
          finish(true)
        },
        notifyError,
      ),
      handle<LiveSnapshotHandler>(
        'LIVE_SNAPSHOT',
        'Could not update the live cards',
        (snapshot, complete) => handlers.onSnapshot?.(checkedSnapshot(snapshot), complete === true),
        notifyError,
      ),
      handle<LiveProblemHandler>(
        'LIVE_PROBLEM',
        'Could not show the live stream’s problem on the cards',
        (runId, problem) => handlers.onProblem?.(runId, problem),
        notifyError,
      ),
      handle<LiveFinishedHandler>('LIVE_FINISHED', 'Could not write the finished runs into their cards', () => finish(true), notifyError),
      handle<ActionDoneHandler>(
        'ACTION_DONE',
        'Could not update the card',
        async (result) => {
          // Reported here, not by `handle`: the notification must come before the code closes.
          try {
            await handlers.onDone?.(checkedResult(result))
          } catch (error) {
            notifyError(`Could not update the card: ${errorMessage(error)}`)
          }
          finish(true)
        },
        notifyError,
      ),
      handle<ButtonPlacedHandler>(
        'BUTTON_PLACED',
        'Could not make the card a runbook button',
        (button) => {
          handlers.onButtonPlaced?.(checkedButton(button))
          finish(true)
        },
        notifyError,
      ),
      handle<ButtonDoneHandler>(
        'BUTTON_DONE',
        'Could not update the runbook button',
        (result) => {
          let next: 'keep-code' | void = undefined
          try {
            next = handlers.onButtonDone?.(checkedButtonResult(result))
          } catch (error) {
            notifyError(`Could not update the runbook button: ${errorMessage(error)}`)
          }
          finish(next !== 'keep-code')
        },
        notifyError,
      ),
      handle<WindowErrorHandler>(
        'WINDOW_ERROR',
        'Could not report the window’s error',
        (message) => {
          notifyError(message)
          if (!options.visible) finish(true)
        },
        notifyError,
      ),
    )
    const props: CardWindowProps = { mode, settings: buildTimeSettings() }
    // The window asks for its session first thing: an earlier build's is moved before it opens.
    void moveLegacySession()
      .catch((error: unknown) => notifyError(`Could not keep the session of an earlier version: ${errorMessage(error)}`))
      .then(() => {
        // A window opened meanwhile replaced this one.
        if (finished) return
        // create-figma-plugin's showUI wraps the UI bundle in the page its `render` expects.
        showUI({ visible: options.visible, title: options.title, width: options.width ?? 380, height: options.height ?? 520 }, { ...props })
      })
      .catch((error: unknown) => {
        notifyError(`Could not open the card’s window: ${errorMessage(error)}`)
        finish(true)
      })
  })
  return Object.assign(session, { close: () => finish(true) })
}
