/**
 * Applies `map` to every string value inside a JSON value, with its path; keys stay as they are
 * unless `keys` is set (then each key is mapped too, with the path of its object).
 */
export function mapStrings<T>(
  value: T,
  map: (text: string, path: ReadonlyArray<string | number>) => string,
  options: { keys?: boolean } = {},
): T {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- mapValue returns the same shape with strings swapped for strings, which TypeScript cannot express
  return mapValue(value, [], map, options.keys === true) as T
}

function mapValue(
  value: unknown,
  path: ReadonlyArray<string | number>,
  map: (text: string, path: ReadonlyArray<string | number>) => string,
  keys: boolean,
): unknown {
  if (typeof value === 'string') return map(value, path)
  if (Array.isArray(value)) return value.map((item, index) => mapValue(item, [...path, index], map, keys))
  if (value !== null && typeof value === 'object') {
    // fromEntries defines keys as data, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [keys ? map(key, path) : key, mapValue(item, [...path, key], map, keys)]),
    )
  }
  return value
}

/** Calls `visit` for every string value inside a JSON value, with its path. */
export function eachString(
  value: unknown,
  path: Array<string | number>,
  visit: (text: string, path: Array<string | number>) => void,
): void {
  if (typeof value === 'string') visit(value, path)
  else if (Array.isArray(value)) value.forEach((item, index) => eachString(item, [...path, index], visit))
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) eachString(item, [...path, key], visit)
  }
}

/** The value at a path inside a JSON value; `present` is false when a step of the path is missing. */
export function valueAt(root: unknown, path: ReadonlyArray<string | number>): { present: boolean; value: unknown } {
  let current = root
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) {
      return { present: false, value: undefined }
    }
    current = Reflect.get(current, segment)
  }
  return { present: current !== undefined, value: current }
}
