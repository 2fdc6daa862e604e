/**
 * Where the preview runs the plugin's built main thread: a realm of its own (a hidden iframe of
 * the page, fresh for every plugin run) stripped to what Figma's main thread has: the JavaScript
 * built-ins and what the host hands it (`figma`, `__html__`), timers and console. Figma's main
 * thread has no window, document, WebSocket, XMLHttpRequest or localStorage, and a fetch of its
 * own rather than the browser's; this project's main thread does not use fetch, so the preview
 * offers none.
 *
 * A browser realm cannot lose everything (`window`, `document`, `location` and the methods of
 * Window.prototype cannot be deleted), so both are done: everything the iframe's global lets go
 * of is deleted, for code that reaches the global another way (`Function('return this')()`), and
 * the code runs as the body of a function whose parameters shadow every other browser name.
 * `globalThis` and `this` are a stand-in holding the built-ins and the host's globals.
 */

/** The global names of ECMAScript itself: what every JavaScript realm has, Figma's included. */
const ECMASCRIPT_GLOBALS = new Set([
  'globalThis',
  'Infinity',
  'NaN',
  'undefined',
  'eval',
  'isFinite',
  'isNaN',
  'parseFloat',
  'parseInt',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
  'AggregateError',
  'Array',
  'ArrayBuffer',
  'Atomics',
  'BigInt',
  'BigInt64Array',
  'BigUint64Array',
  'Boolean',
  'DataView',
  'Date',
  'Error',
  'EvalError',
  'FinalizationRegistry',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'Function',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Intl',
  'Iterator',
  'JSON',
  'Map',
  'Math',
  'Number',
  'Object',
  'Promise',
  'Proxy',
  'RangeError',
  'ReferenceError',
  'Reflect',
  'RegExp',
  'Set',
  'SharedArrayBuffer',
  'String',
  'Symbol',
  'SyntaxError',
  'TypeError',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'URIError',
  'WeakMap',
  'WeakRef',
  'WeakSet',
])

/** What Figma's main thread has besides the built-ins and what the host hands the code. */
const HOST_GLOBALS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console']

/** Names a sloppy or strict function's parameter cannot have. */
const NOT_PARAMETERS = new Set([
  'eval',
  'arguments',
  'let',
  'static',
  'yield',
  'await',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
])
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

export interface MainThreadRealm {
  /** The realm's Error, which the fake's API errors are made of (createFakeFigma's realmError). */
  readonly Error: ErrorConstructor
  /** Runs the code with `globals` (figma, __html__) added to what the realm has; throws what the code throws. */
  run(code: string, globals: Record<string, unknown>): void
  /** Ends the realm and every timer of the code, as Figma ends a closed plugin's code. */
  remove(): void
}

/** A constructor of the other realm, typed as this realm's (the realms' built-ins have the same shape). */
const isConstructor = <T extends abstract new (...args: never[]) => unknown = ObjectConstructor>(value: unknown): value is T =>
  typeof value === 'function'

export function createMainThreadRealm(page: Document): MainThreadRealm {
  // Kept in a closed shadow root: the realm is no part of the page (nor of what a page's selectors find).
  const holder = page.createElement('div')
  holder.hidden = true
  const frame = page.createElement('iframe')
  frame.title = 'The plugin main thread'
  holder.attachShadow({ mode: 'closed' }).appendChild(frame)
  // Without a src the iframe's about:blank window exists at once, with this page's origin.
  page.body.appendChild(holder)
  const realm = frame.contentWindow
  if (!realm) throw new Error('the preview could not make a realm for the plugin’s main thread')
  const RealmError: unknown = Reflect.get(realm, 'Error')
  const RealmFunction: unknown = Reflect.get(realm, 'Function')
  const RealmObject: unknown = Reflect.get(realm, 'Object')
  if (!isConstructor<ErrorConstructor>(RealmError) || !isConstructor<FunctionConstructor>(RealmFunction) || !isConstructor(RealmObject)) {
    throw new Error('the realm for the plugin’s main thread has no JavaScript built-ins')
  }
  const realmObjectPrototype: unknown = RealmObject.prototype

  // Every name the global and its prototypes (Window.prototype, EventTarget.prototype) answer to, up to Object.prototype (which Figma's global has too).
  const browserNames = new Set<string>()
  let scope: unknown = realm
  while (typeof scope === 'object' && scope !== null && scope !== realmObjectPrototype) {
    for (const name of Object.getOwnPropertyNames(scope))
      if (!ECMASCRIPT_GLOBALS.has(name) && !HOST_GLOBALS.includes(name)) browserNames.add(name)
    scope = Object.getPrototypeOf(scope)
  }
  // What cannot be deleted (window, document, location, top, Window.prototype's methods) stays, and is shadowed in run().
  for (const name of browserNames) Reflect.deleteProperty(realm, name)

  return {
    Error: RealmError,
    run(code, globals) {
      const standIn: Record<string, unknown> = {}
      for (const name of [...ECMASCRIPT_GLOBALS, ...HOST_GLOBALS]) if (name in realm) standIn[name] = Reflect.get(realm, name)
      Object.assign(standIn, globals)
      standIn.globalThis = standIn
      const shadowed = [...browserNames].filter((name) => IDENTIFIER.test(name) && !NOT_PARAMETERS.has(name) && !(name in globals))
      const names = [...Object.keys(globals), 'globalThis', ...shadowed]
      const values = [...Object.values(globals), standIn, ...shadowed.map(() => undefined)]
      const body = new RealmFunction(...names, code)
      body.apply(standIn, values)
    },
    remove() {
      holder.remove()
    },
  }
}
