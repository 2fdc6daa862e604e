/** The pure merge of a run's log: duplicates, out-of-order events, gaps, older pages, tail windows. */
import { describe, expect, it } from 'vitest'
import { anchorLog, emptyLog, gapOf, hasOlder, mergeEvents, missingTail, prependOlder, type EventLog } from '../../src/client/event-log.ts'
import type { EventRow } from '../../src/client/types.ts'

const event = (seq: number, message = `line ${seq}`): EventRow => ({
  id: seq,
  run_id: 'r',
  seq,
  ts: '2025-01-03T10:00:00Z',
  level: 'info',
  source: 'executor',
  phase: null,
  step_id: null,
  message,
  data: null,
})
const seqs = (log: EventLog) => log.events.map((e) => e.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

type Step = { anchor: number } | { merge: number[] } | { older: number[] }

interface Case {
  name: string
  steps: Step[]
  window: number[]
  held: number[]
  gap: { from: number; to: number } | null
  hasOlder: boolean
  /** Of the last step. */
  duplicates?: number
  added?: number[]
}

const cases: Case[] = [
  {
    name: 'a whole log in order',
    steps: [{ anchor: 1 }, { merge: [1, 2, 3] }],
    window: [1, 2, 3],
    held: [],
    gap: null,
    hasOlder: false,
    added: [1, 2, 3],
  },
  {
    name: 'duplicates are dropped',
    steps: [{ anchor: 1 }, { merge: [1, 2] }, { merge: [2, 1, 3, 3] }],
    window: [1, 2, 3],
    held: [],
    gap: null,
    hasOlder: false,
    duplicates: 3,
    added: [3],
  },
  {
    name: 'out of order within a batch',
    steps: [{ anchor: 1 }, { merge: [3, 1, 2] }],
    window: [1, 2, 3],
    held: [],
    gap: null,
    hasOlder: false,
  },
  {
    name: 'a gap holds later events and is reported',
    steps: [{ anchor: 1 }, { merge: [1, 2, 5, 6] }],
    window: [1, 2],
    held: [5, 6],
    gap: { from: 3, to: 4 },
    hasOlder: false,
    added: [1, 2],
  },
  {
    name: 'the gap fills and the held events follow',
    steps: [{ anchor: 1 }, { merge: [1, 2, 5, 6] }, { merge: [4, 3] }],
    window: [1, 2, 3, 4, 5, 6],
    held: [],
    gap: null,
    hasOlder: false,
    added: [3, 4, 5, 6],
  },
  {
    name: 'a held event arriving again is a duplicate',
    steps: [{ anchor: 1 }, { merge: [1, 3] }, { merge: [3] }],
    window: [1],
    held: [3],
    gap: { from: 2, to: 2 },
    hasOlder: false,
    duplicates: 1,
  },
  { name: 'events before anchoring are held, not shown', steps: [{ merge: [7, 8] }], window: [], held: [7, 8], gap: null, hasOlder: false },
  {
    name: 'live events then a tail: the window starts at the tail',
    steps: [{ merge: [101, 102] }, { anchor: 51 }, { merge: range(51, 100) }],
    window: range(51, 102),
    held: [],
    gap: null,
    hasOlder: true,
  },
  {
    name: 'live events older than the tail are dropped when anchoring',
    steps: [{ merge: [40, 60] }, { anchor: 51 }, { merge: range(51, 59) }],
    window: range(51, 60),
    held: [],
    gap: null,
    hasOlder: true,
  },
  { name: 'an empty run anchors at 1', steps: [{ anchor: 1 }], window: [], held: [], gap: null, hasOlder: false },
  {
    name: 'live events after an empty backfill',
    steps: [{ merge: [1] }, { anchor: 1 }, { merge: [2] }],
    window: [1, 2],
    held: [],
    gap: null,
    hasOlder: false,
  },
  {
    name: 'prepending an older page',
    steps: [{ anchor: 51 }, { merge: range(51, 60) }, { older: range(41, 50).reverse() }],
    window: range(41, 60),
    held: [],
    gap: null,
    hasOlder: true,
    added: range(41, 50),
  },
  {
    name: 'older pages back to seq 1',
    steps: [{ anchor: 21 }, { merge: range(21, 30) }, { older: range(11, 20) }, { older: range(1, 10) }],
    window: range(1, 30),
    held: [],
    gap: null,
    hasOlder: false,
  },
  {
    name: 'an older page with a hole keeps only the part next to the window',
    steps: [{ anchor: 51 }, { merge: [51] }, { older: [45, 46, 48, 49, 50] }],
    window: [48, 49, 50, 51],
    held: [],
    gap: null,
    hasOlder: true,
    added: [48, 49, 50],
  },
  {
    name: 'an older page overlapping the window',
    steps: [{ anchor: 5 }, { merge: [5, 6] }, { older: [3, 4, 5, 6] }],
    window: [3, 4, 5, 6],
    held: [],
    gap: null,
    hasOlder: true,
    duplicates: 2,
  },
  {
    name: 'events older than the window from a merge are ignored',
    steps: [{ anchor: 10 }, { merge: [10, 4] }],
    window: [10],
    held: [],
    gap: null,
    hasOlder: true,
  },
  {
    name: 'anchoring twice changes nothing',
    steps: [{ anchor: 1 }, { merge: [1, 2] }, { anchor: 50 }],
    window: [1, 2],
    held: [],
    gap: null,
    hasOlder: false,
  },
]

describe('event log merge', () => {
  it.each(cases)('$name', (c) => {
    let log = emptyLog()
    let last: ReturnType<typeof mergeEvents> | undefined
    for (const step of c.steps) {
      if ('anchor' in step) last = anchorLog(log, step.anchor)
      else if ('merge' in step)
        last = mergeEvents(
          log,
          step.merge.map((seq) => event(seq)),
        )
      else
        last = prependOlder(
          log,
          step.older.map((seq) => event(seq)),
        )
      log = last.log
    }
    expect(seqs(log)).toEqual(c.window)
    expect([...log.held.keys()].sort((a, b) => a - b)).toEqual(c.held)
    expect(gapOf(log)).toEqual(c.gap)
    expect(last!.gap).toEqual(c.gap)
    expect(hasOlder(log)).toBe(c.hasOlder)
    if (c.duplicates !== undefined) expect(last!.duplicates).toBe(c.duplicates)
    if (c.added !== undefined) expect(last!.added.map((e) => e.seq)).toEqual(c.added)
    // The window is always contiguous and ascending.
    expect(seqs(log)).toEqual(c.window.length ? range(c.window[0], c.window[0] + c.window.length - 1) : [])
  })

  it('keeps the first copy of a duplicate and never mutates its input', () => {
    const start = mergeEvents(anchorLog(emptyLog(), 1).log, [event(1, 'first')]).log
    const frozen = JSON.stringify({ events: start.events, held: [...start.held] })
    const next = mergeEvents(start, [event(1, 'second'), event(2)]).log
    expect(next.events.map((e) => e.message)).toEqual(['first', 'line 2'])
    expect(JSON.stringify({ events: start.events, held: [...start.held] })).toBe(frozen)
  })

  it('reports how far the log is behind a known last seq', () => {
    const log = mergeEvents(anchorLog(emptyLog(), 1).log, [event(1), event(2)]).log
    expect(missingTail(log, 2)).toBeNull()
    expect(missingTail(log, 5)).toEqual({ from: 3, to: 5 })
    const withGap = mergeEvents(log, [event(6)]).log
    expect(missingTail(withGap, 9)).toEqual({ from: 3, to: 5 })
    expect(missingTail(emptyLog(), 3)).toBeNull()
  })

  it('merges a large shuffled log with repeats into 1..N', () => {
    const n = 5000
    const order = [...range(1, n), ...range(1, n).filter((s) => s % 7 === 0)]
    for (let i = order.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    let log = anchorLog(emptyLog(), 1).log
    for (let i = 0; i < order.length; i += 250)
      log = mergeEvents(
        log,
        order.slice(i, i + 250).map((seq) => event(seq)),
      ).log
    expect(seqs(log)).toEqual(range(1, n))
    expect(log.held.size).toBe(0)
  })
})
