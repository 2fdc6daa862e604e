/**
 * Copying "plain data" the way the Figma host copies what crosses into or out of a plugin: the
 * messages between main thread and UI, and figma.clientStorage values. The typings list what may
 * cross (UIAPI.postMessage: "objects, arrays, numbers, strings, booleans, null, undefined, Date
 * objects and Uint8Array objects. However, functions and prototype chains of objects will not be
 * sent"; clientStorage: the same without Date), so an object of a class arrives as a plain object
 * of its own enumerable fields. What Figma does with anything else (Map, Set, RegExp, BigInt,
 * Symbol, a function, an Error, other typed arrays, a cycle) is not documented, and a browser's
 * structured clone would keep most of them: the fake refuses them, naming where they are, so data
 * that passes here is data Figma can carry.
 *
 * The checks read each value's built-in tag rather than `instanceof`, because the plugin's bundle
 * runs in a realm of its own (its Array, Date and Object are not the host's).
 */

export interface PlainDataRules {
  /** Who copies, and what, for the error ("figma.ui.postMessage", "the message"). */
  what: string
  root: string
  /** Built-in types besides plain objects, arrays and primitives that may cross. */
  extraTypes: readonly ('Date' | 'Uint8Array')[]
  /** Refuse NaN and ±Infinity (clientStorage counts values as JSON, which has no such numbers). */
  finiteNumbers?: boolean
}

const tagOf = (value: object) => Object.prototype.toString.call(value).slice(8, -1)
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null

/** A plain object or an instance of a class: its prototype chain does not cross. */
function isObjectLike(value: object): boolean {
  return tagOf(value) === 'Object'
}

export function isUint8Array(value: unknown): value is Uint8Array {
  return typeof value === 'object' && value !== null && tagOf(value) === 'Uint8Array'
}

function refused(rules: PlainDataRules, path: string, kind: string): Error {
  const allowed = ['objects', 'arrays', 'strings', 'numbers', 'booleans', 'null', 'undefined', ...rules.extraTypes].join(', ')
  return new Error(`${rules.what}: ${path} is ${kind}, which Figma does not carry (only ${allowed})`)
}

/** A copy of `value` made of what Figma carries; throws naming the first part it cannot carry. */
export function copyPlainData(value: unknown, rules: PlainDataRules): unknown {
  const ancestors = new Set<object>()

  const copy = (item: unknown, path: string): unknown => {
    switch (typeof item) {
      case 'undefined':
      case 'boolean':
      case 'string':
        return item
      case 'number':
        if (rules.finiteNumbers && !Number.isFinite(item)) throw refused(rules, path, `the number ${item}`)
        return item
      case 'bigint':
        throw refused(rules, path, 'a BigInt')
      case 'symbol':
        throw refused(rules, path, 'a Symbol')
      case 'function':
        throw refused(rules, path, 'a function')
    }
    if (!isObject(item)) return null // what typeof left: null
    const object = item
    const tag = tagOf(object)
    if (tag === 'Date' && rules.extraTypes.includes('Date')) return new Date(Date.prototype.getTime.call(object))
    if (isUint8Array(object) && rules.extraTypes.includes('Uint8Array')) return Uint8Array.from(object)
    if (ancestors.has(object)) throw new Error(`${rules.what}: ${path} contains itself; Figma carries only trees of plain data`)
    ancestors.add(object)
    try {
      if (Array.isArray(object)) return Array.from(object, (element, index) => copy(element, `${path}[${index}]`))
      if (!isObjectLike(object)) throw refused(rules, path, `a ${tag}`)
      const result: Record<string, unknown> = {}
      for (const key of Object.keys(object)) {
        // defineProperty: a key named __proto__ stays a field instead of replacing the prototype.
        const field = copy(Reflect.get(object, key), `${path}.${key}`)
        Object.defineProperty(result, key, { value: field, enumerable: true, writable: true, configurable: true })
      }
      return result
    } finally {
      ancestors.delete(object)
    }
  }

  return copy(value, rules.root)
}
