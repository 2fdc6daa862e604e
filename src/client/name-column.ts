/**
 * A column of names that repeat (a log line's level, phase, step, source): each distinct name is
 * kept once and a line holds its number, one byte while there are few names, four beyond.
 * Null is a name too (number 0).
 */
import { grown } from './grown.ts'

export class NameColumn<Name extends string> {
  private ids: Uint8Array | Int32Array = new Uint8Array(0)
  private readonly names: (Name | null)[] = [null]
  private readonly idOf = new Map<Name | null, number>([[null, 0]])
  count = 0

  push(name: Name | null | undefined): void {
    const key = name ?? null
    let id = this.idOf.get(key)
    if (id === undefined) {
      id = this.names.length
      this.names.push(key)
      this.idOf.set(key, id)
      if (id > 255 && this.ids instanceof Uint8Array) this.ids = Int32Array.from(this.ids)
    }
    const ids = this.ids
    this.ids =
      ids instanceof Uint8Array
        ? grown(ids, this.count + 1, (n) => new Uint8Array(n))
        : grown(ids, this.count + 1, (n) => new Int32Array(n))
    this.ids[this.count++] = id
  }

  at(index: number): Name | null {
    return this.names[this.ids[index]]
  }

  /** A column with `front` before these names. */
  withFront(front: readonly (Name | null | undefined)[]): NameColumn<Name> {
    const next = new NameColumn<Name>()
    // The same numbers for the names known here, so these lines' numbers are copied as they are.
    for (const name of this.names.slice(1)) {
      next.idOf.set(name, next.names.length)
      next.names.push(name)
    }
    if (next.names.length > 256) next.ids = new Int32Array(0)
    for (const name of front) next.push(name)
    const total = next.count + this.count
    next.ids =
      next.ids instanceof Uint8Array ? grown(next.ids, total, (n) => new Uint8Array(n)) : grown(next.ids, total, (n) => new Int32Array(n))
    next.ids.set(this.ids.subarray(0, this.count), next.count)
    next.count = total
    return next
  }
}
