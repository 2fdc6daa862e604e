/**
 * Runs a built bundle the way Figma runs plugin and widget code: a script in a realm of its own
 * whose only globals are the JavaScript built-ins and what the host hands it (`figma`,
 * `__html__`, timers, console, …). Nothing of Node or of a browser leaks in: no `fetch` unless the
 * caller passes Figma's, no `WebSocket`, `window`, `localStorage`, `process` or `require`.
 */
import { createContext, runInContext } from 'node:vm'

/** The timers and console Figma's main thread has. */
export const HOST_TIMERS = { setTimeout, clearTimeout, setInterval, clearInterval, console }

export interface RealmRun {
  /** The realm's global object, to read what the bundle left there. */
  global: Record<string, unknown>
  /** What evaluating the script threw, if anything. */
  error: unknown
}

export function runInHostRealm(code: string, globals: Record<string, unknown>, filename = 'main.js'): RealmRun {
  const global = createContext({ ...globals })
  try {
    runInContext(code, global, { filename })
    return { global, error: undefined }
  } catch (error) {
    return { global, error }
  }
}
