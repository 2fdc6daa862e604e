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

export interface HostRealm {
  /** The realm's global object: globals set on it later are globals of the code too. */
  global: Record<string, unknown>
  /**
   * The realm's own Error. Figma makes the errors its API throws inside the plugin's sandbox, so
   * `error instanceof Error` holds there; a fake host gives this to its API (createFakeFigma's realmError).
   */
  Error: ErrorConstructor
  /** Evaluates a script in the realm; returns what it threw, if anything. */
  run(code: string, filename?: string): unknown
}

export function createHostRealm(globals: Record<string, unknown>): HostRealm {
  const global = createContext({ ...globals })
  return {
    global,
    Error: runInContext('Error', global) as ErrorConstructor,
    run(code, filename = 'main.js') {
      try {
        runInContext(code, global, { filename })
        return undefined
      } catch (error) {
        return error
      }
    },
  }
}

export function runInHostRealm(code: string, globals: Record<string, unknown>, filename = 'main.js'): RealmRun {
  const realm = createHostRealm(globals)
  return { global: realm.global, error: realm.run(code, filename) }
}
