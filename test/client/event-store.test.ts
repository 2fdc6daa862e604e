import { describe, expect, it } from 'vitest'
import { EventStore } from '../../src/client/event-store.ts'
import type { EventRow } from '../../src/client/types.ts'

const RUN = 'run-1'

function row(seq: number, fields: Partial<EventRow> = {}): EventRow {
  return {
    id: 1000 + seq,
    run_id: RUN,
    seq,
    ts: '2025-01-03T10:00:00.123456+00:00',
    level: 'info',
    source: 'executor',
    phase: 'execute',
    step_id: `step-${seq % 3}`,
    message: `line ${seq}`,
    data: null,
    ...fields,
  }
}

const rows = (from: number, to: number, fields: (seq: number) => Partial<EventRow> = () => ({})) =>
  Array.from({ length: to - from + 1 }, (_, i) => row(from + i, fields(from + i)))

/** Seqs of the lines whose message holds `query` (any case), read from the store's packed text. */
function found(store: EventStore, query: string, from = 0, to = store.count): number[] {
  const seqs: number[] = []
  store.findMessages(from, to, query.toLowerCase(), (index) => seqs.push(store.seqAt(index)))
  return seqs
}

/** The same, read row by row: what the search must agree with. */
const expected = (events: readonly EventRow[], query: string) =>
  events.filter((event) => event.message.toLowerCase().includes(query.toLowerCase())).map((event) => event.seq)

describe('EventStore', () => {
  it('gives back every field of the rows appended, and no row it was not given', () => {
    const given = [
      row(5, { data: { status: 200, nested: { ok: true } } }),
      row(6, { phase: null, step_id: null, level: 'warn', source: 'claim' }),
      row(7, { level: 'error', message: '' }),
    ]
    const store = EventStore.of(RUN, given)
    expect(store.count).toBe(3)
    expect([store.firstSeq, store.lastSeq]).toEqual([5, 7])
    expect(store.slice()).toEqual(given)
    expect(store.eventAt(0).data).toEqual({ status: 200, nested: { ok: true } })
    expect(store.eventAt(1).data).toBeNull()
    expect(store.messageAt(2)).toBe('')
    expect([store.indexOfSeq(4), store.indexOfSeq(5), store.indexOfSeq(7), store.indexOfSeq(8), store.indexOfSeq(5.5)]).toEqual([
      -1, 0, 2, -1, -1,
    ])
  })

  it('is empty until its first line, which may have any seq', () => {
    const store = new EventStore(RUN)
    expect([store.count, store.firstSeq, store.lastSeq, store.indexOfSeq(1)]).toEqual([0, null, 0, -1])
    expect(store.slice()).toEqual([])
    store.append(row(151))
    expect([store.firstSeq, store.lastSeq]).toEqual([151, 151])
  })

  it('refuses a line that does not follow the last one (its window has no holes)', () => {
    const store = EventStore.of(RUN, rows(1, 3))
    expect(() => store.append(row(5))).toThrow('Line 5 does not follow line 3 of the log.')
    expect(() => store.append(row(3))).toThrow()
    expect(store.count).toBe(3)
  })

  it('shows a malformed row’s missing message and time as empty text rather than failing', () => {
    const store = EventStore.of(RUN, [{ ...row(1), message: null, ts: undefined } as unknown as EventRow, row(2)])
    expect([store.messageAt(0), store.tsAt(0), store.messageAt(1)]).toEqual(['', '', 'line 2'])
  })

  it('slices as arrays do, from the end too', () => {
    const store = EventStore.of(RUN, rows(1, 10))
    expect(store.slice(-3).map((e) => e.seq)).toEqual([8, 9, 10])
    expect(store.slice(2, 4).map((e) => e.seq)).toEqual([3, 4])
    expect(store.slice(-20).length).toBe(10)
    expect(store.slice(8, 3)).toEqual([])
  })

  it('keeps times in both spellings they arrive in, and any other text as it came', () => {
    const times = [
      '2025-01-03T10:00:00.123456+00:00',
      '2025-01-03T10:00:00.12+00:00',
      '2025-01-03T10:00:00+00:00',
      '2025-01-03T10:00:00.000Z',
      '2025-01-03T10:00:00.120Z',
      '2025-01-03T00:00:00Z',
      '2025-01-03 10:00:00.5+02',
      '',
      'not a time',
      '1969-12-31T23:59:59.999999+00:00',
      '2025-02-30T10:00:00+00:00',
      '2025-01-03T10:00:00.120+00:00',
      '2025-01-03T10:00:00.123456+02:00',
    ]
    const store = EventStore.of(
      RUN,
      times.map((ts, i) => row(times.length + i + 1, { ts })),
    )
    expect(times.map((_, i) => store.tsAt(i))).toEqual(times)
    const whole = store.withOlder(times.map((ts, i) => row(i + 1, { ts: `${ts} ` })))
    expect(whole.slice().map((e) => e.ts)).toEqual([...times.map((ts) => `${ts} `), ...times])
  })

  it('keeps text of any kind: unicode, newlines, empty, very long', () => {
    const long = 'x'.repeat(3_000_000)
    const messages = ['größe ✓ 日本語', 'two\nlines', '', '🙂 emoji', long, '', 'İstanbul', 'after the long one']
    const store = EventStore.of(
      RUN,
      messages.map((message, i) => row(i + 1, { message })),
    )
    expect(messages.map((_, i) => store.messageAt(i))).toEqual(messages)
    expect(found(store, 'LINES')).toEqual([2])
    expect(found(store, '日本')).toEqual([1])
    expect(found(store, 'GRÖSSE')).toEqual([])
    expect(found(store, 'größe')).toEqual([1])
    expect(found(store, 'xxx')).toEqual([5])
    expect(found(store, 'istanbul')).toEqual(expected(store.slice(), 'istanbul'))
  })

  it('reads lines across chunk boundaries, and finds only matches inside one line', () => {
    // Lines end in "ab" and start with "cd": "abcd" is in the packed text at every boundary, in no line.
    const given = rows(1, 10_000, (seq) => ({ message: seq % 977 === 0 ? `cd needle ${seq} ab` : `cd ${seq} ab` }))
    const store = EventStore.of(RUN, given)
    for (const index of [0, 4095, 4096, 4097, 8191, 8192, 9999]) expect(store.eventAt(index)).toEqual(given[index])
    expect(found(store, 'abcd')).toEqual([])
    expect(found(store, 'NEEDLE')).toEqual(expected(given, 'needle'))
    expect(found(store, '9 ab')).toEqual(expected(given, '9 ab'))
    // A range that starts and ends inside chunks.
    expect(found(store, 'needle', 3000, 9000)).toEqual(expected(given.slice(3000, 9000), 'needle'))
    expect(found(store, 'needle', 5, 5)).toEqual([])
  })

  it('puts older lines in front as a new store, leaving the one it was made from as it was', () => {
    const tail = EventStore.of(
      RUN,
      rows(5001, 9000, (seq) => ({ data: seq % 2 === 0 ? { seq } : null })),
    )
    const older = rows(1, 5000, (seq) => ({ message: `older ${seq}`, step_id: `old-${seq}`, data: seq === 1 ? { first: true } : null }))
    const whole = tail.withOlder(older)
    expect(whole).not.toBe(tail)
    expect([tail.count, tail.firstSeq, whole.count, whole.firstSeq, whole.lastSeq]).toEqual([4000, 5001, 9000, 1, 9000])
    expect(whole.slice()).toEqual([...older, ...tail.slice()])
    expect(found(whole, 'older 49')).toEqual(expected(older, 'older 49'))
    // New lines go on after the whole window.
    whole.append(row(9001))
    expect(whole.eventAt(9000)).toEqual(row(9001))
    expect(tail.count).toBe(4000)
    expect(() => whole.withOlder(rows(1, 2))).toThrow('Line 2 does not precede line 1 of the log.')
    expect(whole.withOlder([])).toBe(whole)
  })

  it('keeps more than 255 distinct step names, before and after older lines come in front', () => {
    const store = EventStore.of(
      RUN,
      rows(301, 900, (seq) => ({ step_id: `step-${seq}` })),
    )
    const whole = store.withOlder(rows(1, 300, (seq) => ({ step_id: `early-${seq}` })))
    expect(whole.stepIdAt(0)).toBe('early-1')
    expect(whole.stepIdAt(299)).toBe('early-300')
    expect(whole.stepIdAt(899)).toBe('step-900')
    expect(whole.slice().map((e) => e.step_id)).toEqual([
      ...rows(1, 300).map((e) => `early-${e.seq}`),
      ...rows(301, 900).map((e) => `step-${e.seq}`),
    ])
  })

  it('holds a million lines appended one by one, each read back as it was given', () => {
    const store = new EventStore(RUN)
    const make = (seq: number): EventRow =>
      row(seq, {
        level: seq % 97 === 0 ? 'warn' : 'info',
        step_id: `step-${Math.floor(seq / 500)}`,
        message: `line ${seq}: deploying web to production`,
        ts: new Date(Date.UTC(2025, 0, 3) + seq).toISOString(),
        data: seq % 100_000 === 0 ? { seq } : null,
      })
    for (let seq = 1; seq <= 1_000_000; seq++) store.append(make(seq))
    expect(store.count).toBe(1_000_000)
    for (const seq of [1, 2, 4096, 4097, 123_457, 500_000, 999_999, 1_000_000]) expect(store.eventAt(seq - 1)).toEqual(make(seq))
    const hits: number[] = []
    store.findMessages(0, store.count, 'line 99999', (index) => hits.push(store.seqAt(index)))
    expect(hits).toEqual([99_999, 999_990, 999_991, 999_992, 999_993, 999_994, 999_995, 999_996, 999_997, 999_998, 999_999])
  })
})
