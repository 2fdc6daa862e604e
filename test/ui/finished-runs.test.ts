import { describe, expect, it } from 'vitest'
import type { RunRow, RunStatus } from '../../src/client/types.ts'
import { finishedRuns } from '../../src/ui/view-models/finished-runs.ts'

const run = (id: string, status: RunStatus) => ({ id, status }) as RunRow
const ids = (runs: readonly RunRow[]) => runs.map((r) => r.id)

describe('finishedRuns', () => {
  it('announces nothing for the first list, whatever its statuses', () => {
    const first = finishedRuns(new Map(), [run('a', 'success'), run('b', 'running')])
    expect(first.finished).toEqual([])
    expect([...first.statuses]).toEqual([
      ['a', 'success'],
      ['b', 'running'],
    ])
  })

  it.each([
    { before: 'queued', after: 'success', announced: true },
    { before: 'running', after: 'error', announced: true },
    { before: 'waiting_approval', after: 'canceled', announced: true },
    { before: 'queued', after: 'running', announced: false },
    { before: 'running', after: 'waiting_approval', announced: false },
    { before: 'success', after: 'success', announced: false },
    // Approval puts a run back in the queue: not an ending.
    { before: 'waiting_approval', after: 'queued', announced: false },
  ] as const)('$before → $after: announced $announced', ({ before, after, announced }) => {
    const { finished } = finishedRuns(new Map([['a', before]]), [run('a', after)])
    expect(ids(finished)).toEqual(announced ? ['a'] : [])
  })

  it('announces each ending once, and not a run first seen already ended', () => {
    let state = finishedRuns(new Map(), [run('a', 'running')])
    state = finishedRuns(state.statuses, [run('new', 'success'), run('a', 'success')])
    expect(ids(state.finished)).toEqual(['a'])
    state = finishedRuns(state.statuses, [run('new', 'success'), run('a', 'success')])
    expect(state.finished).toEqual([])
  })
})
