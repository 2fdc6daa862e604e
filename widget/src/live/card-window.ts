/**
 * Opens the card's window (visible for picking a run or showing one, hidden for keeping cards
 * live and for actions) and serves it with the plugin's own plumbing: create-figma-plugin's
 * messages, the plugin's session storage server (same key prefix and size limit) and its
 * dispatch, so a failure or a message nobody handles is reported instead of lost. The widget's
 * code has no screen of its own, so it reports with figma.notify.
 *
 * The promise keeps the widget's code alive (waitForTask / a pending click handler) until the
 * window is done; then the code is closed, which also closes the window.
 */
import { showUI } from '@create-figma-plugin/utilities'
import { buildTimeSettings } from '../../../src/build-settings.ts'
import { handle, reportUnhandledMessages } from '../../../src/main/dispatch.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import { serveSessionStorage } from '../../../src/main/storage.ts'
import { isRecord } from '../../../src/is-record.ts'
import { isRunSnapshot, type RunSnapshot } from '../card/snapshot.ts'
import { moveLegacySession } from './legacy-session.ts'
import type {
  ActionDoneHandler,
  ActionResult,
  CardWindowProps,
  LiveFinishedHandler,
  LiveSnapshotHandler,
  RunPickedHandler,
  WindowErrorHandler,
  WindowMode,
} from '../messages.ts'

export interface CardWindowHandlers {
  onPicked?(snapshot: RunSnapshot): void
  onSnapshot?(snapshot: RunSnapshot): void
  onFinished?(): void
  onDone?(result: ActionResult): void | Promise<void>
}

export interface CardWindowOptions {
  visible: boolean
  title?: string
  width?: number
  height?: number
}

const notifyError = (message: string) => {
  figma.notify(message, { error: true })
}

/** The window is another bundle (possibly of another build): what it sends is checked before a card keeps it. */
function checkedSnapshot(snapshot: unknown): RunSnapshot {
  if (!isRunSnapshot(snapshot)) throw new Error('the window sent something that is not a run’s picture; rebuild the widget')
  return snapshot
}

function checkedResult(result: unknown): ActionResult {
  if (!isRecord(result)) throw new Error('the window sent no action result; rebuild the widget')
  return {
    ...(result.snapshot === undefined ? {} : { snapshot: checkedSnapshot(result.snapshot) }),
    ...(result.started === undefined ? {} : { started: checkedSnapshot(result.started) }),
  }
}

/** create-figma-plugin owns figma.ui.onmessage; it is wrapped once per run of the widget's code. */
let reportingUnhandled = false

export function openCardWindow(mode: WindowMode, options: CardWindowOptions, handlers: CardWindowHandlers = {}): Promise<void> {
  if (!reportingUnhandled) {
    reportUnhandledMessages(notifyError)
    reportingUnhandled = true
  }
  return new Promise<void>((resolve) => {
    const stops: (() => void)[] = []
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      for (const stop of stops) stop()
      resolve()
      figma.closePlugin()
    }
    // Handlers first, as in the plugin: the window asks for its session as soon as it is shown.
    stops.push(
      serveSessionStorage(notifyError),
      handle<RunPickedHandler>(
        'RUN_PICKED',
        'Could not show the picked run',
        (snapshot) => {
          handlers.onPicked?.(checkedSnapshot(snapshot))
          finish()
        },
        notifyError,
      ),
      handle<LiveSnapshotHandler>(
        'LIVE_SNAPSHOT',
        'Could not update the live cards',
        (snapshot) => handlers.onSnapshot?.(checkedSnapshot(snapshot)),
        notifyError,
      ),
      handle<LiveFinishedHandler>(
        'LIVE_FINISHED',
        'Could not write the finished runs into their cards',
        () => {
          handlers.onFinished?.()
          finish()
        },
        notifyError,
      ),
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
          finish()
        },
        notifyError,
      ),
      handle<WindowErrorHandler>(
        'WINDOW_ERROR',
        'Could not report the window’s error',
        (message) => {
          notifyError(message)
          if (!options.visible) finish()
        },
        notifyError,
      ),
    )
    const props: CardWindowProps = { mode, settings: buildTimeSettings() }
    // The window asks for its session first thing: an earlier build's is moved before it opens.
    void moveLegacySession()
      .catch((error: unknown) => notifyError(`Could not keep the session of an earlier version: ${errorMessage(error)}`))
      .then(() => {
        // create-figma-plugin's showUI wraps the UI bundle in the page its `render` expects.
        showUI({ visible: options.visible, title: options.title, width: options.width ?? 380, height: options.height ?? 520 }, { ...props })
      })
      .catch((error: unknown) => {
        notifyError(`Could not open the card’s window: ${errorMessage(error)}`)
        finish()
      })
  })
}
