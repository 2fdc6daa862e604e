/**
 * A timer that does not keep the process alive. Typed without NodeJS.Timeout on purpose: the
 * tests load the plugin's sources too, and Figma's typings redeclare setTimeout as returning a
 * number, which would otherwise break Node-only code that calls unref().
 */
export interface BackgroundTimer {
  clear(): void
}

export function backgroundTimer(callback: () => void, ms: number): BackgroundTimer {
  const timer: unknown = setTimeout(callback, ms)
  ;(timer as { unref?(): void }).unref?.()
  return { clear: () => clearTimeout(timer as Parameters<typeof clearTimeout>[0]) }
}
