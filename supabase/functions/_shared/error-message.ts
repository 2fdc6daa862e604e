/**
 * The message of anything thrown: an Error's message, a string as it is, anything else as JSON
 * (or its String form when it cannot be serialised). `catch (error)` gives `unknown`; this is the
 * one way to turn it into text for a log line, a notification or a response.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}
