/**
 * A timer that does not keep the process alive. The tests load the plugin's sources too, and
 * Figma's typings redeclare setTimeout as returning a number, which has no unref(): picking
 * Node's overload by its type keeps this Node-only code typed.
 */
const nodeSetTimeout: (callback: () => void, ms: number) => NodeJS.Timeout = setTimeout
const nodeClearTimeout: (timer: NodeJS.Timeout) => void = clearTimeout

export interface BackgroundTimer {
  clear(): void
}

export function backgroundTimer(callback: () => void, ms: number): BackgroundTimer {
  const timer = nodeSetTimeout(callback, ms).unref()
  return { clear: () => nodeClearTimeout(timer) }
}
