/** Reporting failures of the main thread to the UI (MAIN_ERROR), since Figma only logs them. */
import { emit } from '@create-figma-plugin/utilities'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import type { MainErrorHandler } from '../messages.ts'

/** Where a main thread's failures go: the plugin shows them in its UI; the widget, which mostly has none, notifies. */
export type ErrorReporter = (message: string) => void

export function reportError(message: string): void {
  try {
    emit<MainErrorHandler>('MAIN_ERROR', message)
  } catch (error) {
    // The UI is gone (plugin closing): the console is all that is left.
    console.error(`[ops-control-room] ${message} (${errorMessage(error)})`)
  }
}
