/**
 * A column of timestamps kept as numbers, each given back spelled exactly as it came. Log lines'
 * times come in one of two spellings (Postgres's JSON, "2025-01-03T10:00:00.123456+00:00", or
 * JavaScript's, "2025-01-03T10:00:00.123Z"): such a time is kept as its microseconds and which
 * spelling it had; any other text is kept as it is, by key.
 */
import { grown } from './grown.ts'

/** Spellings: 0 Postgres JSON in UTC (fraction without trailing zeros), 1 JavaScript's toISOString, 2 kept as text. */
const POSTGRES = 0
const JAVASCRIPT = 1
const AS_TEXT = 2

const SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/
const POSTGRES_REST = /^(?:\.(\d{1,6}))?\+00:00$/
const JAVASCRIPT_REST = /^\.(\d{3})Z$/

function spelled(value: number, spelling: number): string {
  const ms = Math.floor(value / 1000)
  const iso = new Date(ms).toISOString()
  if (spelling === JAVASCRIPT) return iso
  const fraction = String(value - ms * 1000 + (ms - Math.floor(ms / 1000) * 1000) * 1000)
    .padStart(6, '0')
    .replace(/0+$/, '')
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}+00:00`
}

export class PackedTimes {
  private values = new Float64Array(0)
  private spellings = new Uint8Array(0)
  private readonly texts = new Map<number, string>()
  /** The date and time to the second of the last time read, and its milliseconds: lines in a row share it. */
  private lastSecond = ''
  private lastSecondMs = Number.NaN
  count = 0

  /** Adds a time; `key` names it among those kept as text (it must stay the same for the line). */
  push(time: string, key: number): void {
    this.values = grown(this.values, this.count + 1, (n) => new Float64Array(n))
    this.spellings = grown(this.spellings, this.count + 1, (n) => new Uint8Array(n))
    const value = this.read(time)
    if (Number.isNaN(value)) this.texts.set(key, time)
    this.values[this.count] = Number.isNaN(value) ? 0 : value
    this.spellings[this.count] = Number.isNaN(value) ? AS_TEXT : time.endsWith('Z') ? JAVASCRIPT : POSTGRES
    this.count++
  }

  /** The time's microseconds when it is in one of the two spellings exactly, else NaN. */
  private read(time: string): number {
    const second = time.slice(0, 19)
    if (second !== this.lastSecond) {
      this.lastSecond = second
      const ms = SECOND.test(second) ? Date.parse(`${second}Z`) : Number.NaN
      // A date that does not exist (Feb 30) would not be spelled back the same.
      this.lastSecondMs = Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== second ? Number.NaN : ms
    }
    if (Number.isNaN(this.lastSecondMs)) return Number.NaN
    const rest = time.slice(19)
    const postgres = POSTGRES_REST.exec(rest)
    const fraction = postgres ? (postgres[1] ?? '') : JAVASCRIPT_REST.exec(rest)?.[1]
    // Postgres drops a fraction's trailing zeros: one that has them came another way, and is kept as text.
    if (fraction === undefined || (postgres && fraction.endsWith('0'))) return Number.NaN
    return this.lastSecondMs * 1000 + Number(fraction.padEnd(6, '0'))
  }

  at(index: number, key: number): string {
    const spelling = this.spellings[index]
    return spelling === AS_TEXT ? (this.texts.get(key) ?? '') : spelled(this.values[index], spelling)
  }

  /** A column with `front` (times and their keys) before these. */
  withFront(front: readonly { time: string; key: number }[]): PackedTimes {
    const next = new PackedTimes()
    for (const { time, key } of front) next.push(time, key)
    next.values = grown(next.values, next.count + this.count, (n) => new Float64Array(n))
    next.spellings = grown(next.spellings, next.count + this.count, (n) => new Uint8Array(n))
    next.values.set(this.values.subarray(0, this.count), next.count)
    next.spellings.set(this.spellings.subarray(0, this.count), next.count)
    for (const [key, time] of this.texts) next.texts.set(key, time)
    next.count += this.count
    return next
  }
}
