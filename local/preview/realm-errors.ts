/**
 * Errors of the fake's API, made in the plugin's realm. Figma makes the errors its API throws
 * inside the plugin's sandbox, so the plugin's `error instanceof Error` holds for them. The fake
 * lives in the host's realm while the plugin's bundle runs in a realm of its own (a vm context in
 * tests, an iframe in the preview), so its errors would be foreign there and read as plain
 * objects. `guardErrors` wraps an API object's methods and accessors so that what they throw, or
 * their promises reject with, is remade with the plugin realm's Error (message and stack kept).
 */

export type ErrorConverter = (error: unknown) => unknown

/** Remakes host Errors with `RealmError`; without one (plugin and fake share a realm), errors pass as they are. */
export function realmErrorConverter(RealmError: ErrorConstructor | undefined): ErrorConverter {
  if (!RealmError || RealmError === Error) return (error) => error
  return (error) => {
    if (!(error instanceof Error)) return error
    const remade = new RealmError(error.message)
    remade.stack = error.stack
    return remade
  }
}

const isThenable = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'then') === 'function'

type Guarded = (this: unknown, ...args: unknown[]) => unknown

/**
 * Wraps the functions and accessors `target` owns (a prototype or an API object). `converterOf`
 * finds the converter for the object a call is made on, since one prototype serves the nodes of
 * every plugin run.
 */
export function guardErrors(target: object, converterOf: (self: unknown) => ErrorConverter): void {
  const guard = (fn: unknown): Guarded | undefined => {
    if (typeof fn !== 'function') return undefined
    return function (this: unknown, ...args: unknown[]): unknown {
      const convert = converterOf(this)
      let result: unknown
      try {
        result = Reflect.apply(fn, this, args)
      } catch (error) {
        throw convert(error)
      }
      return isThenable(result)
        ? result.then(undefined, (error: unknown) => {
            throw convert(error)
          })
        : result
    }
  }
  for (const name of Object.getOwnPropertyNames(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name)
    if (name === 'constructor' || !descriptor) continue
    const value: unknown = descriptor.value
    const get: unknown = Reflect.get(descriptor, 'get')
    const set: unknown = Reflect.get(descriptor, 'set')
    if (typeof value === 'function') Object.defineProperty(target, name, { ...descriptor, value: guard(value) })
    else if (get || set) Object.defineProperty(target, name, { ...descriptor, get: guard(get), set: guard(set) })
  }
}
