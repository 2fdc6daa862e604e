import { describe, expect, it } from 'vitest'
import { ThrottledWriter } from '../../widget/src/live/throttle.ts'
import type { RunSnapshot } from '../../widget/src/card/snapshot.ts'
import { snapshot } from './fixtures.ts'

/** A manual clock and timer queue, so the table reads as a timeline. */
function harness(intervalMs = 1000) {
  let time = 0
  let timers: { at: number; callback: () => void; id: number }[] = []
  let ids = 0
  const written: RunSnapshot[] = []
  const writer = new ThrottledWriter({
    intervalMs,
    now: () => time,
    schedule: (callback, ms) => {
      const id = ++ids
      timers.push({ at: time + ms, callback, id })
      return id
    },
    cancel: (id) => {
      timers = timers.filter((timer) => timer.id !== id)
    },
    write: (s) => written.push(s),
  })
  const advance = (ms: number) => {
    const until = time + ms
    for (;;) {
      const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!next) break
      time = next.at
      timers = timers.filter((t) => t !== next)
      next.callback()
    }
    time = until
  }
  return { writer, written, advance }
}

const offer = (h: ReturnType<typeof harness>, runId: string, done: number, status: RunSnapshot['status'] = 'running') =>
  h.writer.offer(snapshot({ runId, done }, status))

describe('ThrottledWriter', () => {
  it('writes the first picture at once, then at most once per interval with the newest one', () => {
    const h = harness()
    offer(h, 'r1', 1)
    for (let done = 2; done <= 50; done++) {
      h.advance(20)
      offer(h, 'r1', done)
    }
    expect(h.written.map((s) => s.done)).toEqual([1])
    h.advance(1000)
    expect(h.written.map((s) => s.done)).toEqual([1, 50])
    expect(h.writer.writes).toBe(2)
  })

  it('keeps runs apart: each run has its own interval', () => {
    const h = harness()
    offer(h, 'r1', 1)
    offer(h, 'r2', 1)
    h.advance(100)
    offer(h, 'r1', 2)
    offer(h, 'r2', 2)
    h.advance(1000)
    expect(h.written.map((s) => `${s.runId}:${s.done}`)).toEqual(['r1:1', 'r2:1', 'r1:2', 'r2:2'])
  })

  it.each(['success', 'error', 'canceled'] as const)('writes a %s run at once, without waiting for the interval', (status) => {
    const h = harness()
    offer(h, 'r1', 1)
    h.advance(10)
    offer(h, 'r1', 2, status)
    expect(h.written.map((s) => s.status)).toEqual(['running', status])
    h.advance(5000)
    expect(h.written).toHaveLength(2)
  })

  it('flushes what is waiting when the driver stops', () => {
    const h = harness()
    offer(h, 'r1', 1)
    offer(h, 'r1', 2)
    h.writer.flushAll()
    expect(h.written.map((s) => s.done)).toEqual([1, 2])
    h.advance(5000)
    expect(h.written).toHaveLength(2)
  })
})
