/**
 * How the main thread receives UI messages. create-figma-plugin's `on` registers handlers and
 * owns figma.ui.onmessage; an unregistered name makes it throw, and a throw in a handler (or a
 * rejected async handler) would only reach Figma's console. `handle` registers a handler whose
 * failures are reported (by default to the UI as MAIN_ERROR), and `reportUnhandledMessages` wraps
 * the module's onmessage (keeping it in charge) so an unknown or malformed message is reported the
 * same way. The widget's code uses both too, reporting with figma.notify.
 */
import { on, type EventHandler } from '@create-figma-plugin/utilities'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { reportError, type ErrorReporter } from './errors.ts'

const registered: string[] = []

/** Registers a handler; `what` names the action in error messages ("Could not save the settings"). */
export function handle<H extends EventHandler>(
  name: H['name'],
  what: string,
  handler: (...args: Parameters<H['handler']>) => void | Promise<void>,
  report: ErrorReporter = reportError,
): () => void {
  registered.push(name)
  const off = on<H>(name, (...args: Parameters<H['handler']>) => {
    try {
      const result = handler(...args)
      if (result instanceof Promise) void result.catch((error: unknown) => report(`${what}: ${errorMessage(error)}`))
    } catch (error) {
      report(`${what}: ${errorMessage(error)}`)
    }
  })
  return () => {
    const index = registered.indexOf(name)
    if (index >= 0) registered.splice(index, 1)
    off()
  }
}

function registeredNames(): string[] {
  return registered.filter((name, i) => registered.indexOf(name) === i).sort()
}

/** Must run after create-figma-plugin's utilities module set figma.ui.onmessage (i.e. at startup). */
export function reportUnhandledMessages(report: ErrorReporter = reportError): void {
  const dispatch = figma.ui.onmessage
  if (!dispatch) throw new Error('create-figma-plugin did not install figma.ui.onmessage')
  figma.ui.onmessage = (message, props) => {
    if (!Array.isArray(message) || typeof message[0] !== 'string') {
      report(`The plugin main thread got a message it cannot read (expected [name, ...arguments], got ${describe(message)}).`)
      return
    }
    try {
      dispatch(message, props)
    } catch (error) {
      const text = errorMessage(error)
      if (/^No event handler with name/.test(text)) {
        report(
          `The plugin main thread does not handle "${message[0]}" messages (it handles ${registeredNames().join(', ')}). ` +
            'The UI and the main thread come from different builds: rebuild the plugin.',
        )
      } else {
        report(`Handling "${message[0]}" failed in the plugin main thread: ${text}`)
      }
    }
  }
}

function describe(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 120 ? `${text.slice(0, 117)}…` : text
}
