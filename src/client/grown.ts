/** A growable typed array: the columns of a long log and its row lists grow without copying per line. */

/** `array` if it holds `needed` items, else a copy with room for at least twice as many. */
export function grown<T extends Int32Array | Uint8Array | Float64Array>(array: T, needed: number, make: (size: number) => T): T {
  if (needed <= array.length) return array
  const next = make(Math.max(needed, array.length * 2, 1024))
  next.set(array)
  return next
}
