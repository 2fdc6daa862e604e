import { describe, expect, it } from 'vitest'
import type { EventRow } from '../../src/client/types.ts'
import { shownStepStatus } from '../../supabase/functions/_shared/vocabulary/index.ts'
import {
  flattenLogTree,
  groupKeysOfSeq,
  groupLogEvents,
  LogIndex,
  rowIndexBySeq,
  stepLabel,
  type FlattenOptions,
  type LogRow,
  type LogRows,
} from '../../src/ui/view-models/log-rows.ts'
import { LogSearch, matchingSeqs } from '../../src/ui/view-models/log-search.ts'
import { EventStore } from '../../src/client/event-store.ts'

/** The stream's store over these rows. */
const storeOf = (rows: readonly EventRow[]) => EventStore.of('r', rows)

/** Appends the rows the store does not hold yet, as the stream does when lines arrive. */
function appendNew(store: EventStore, rows: readonly EventRow[]): EventStore {
  for (const row of rows.slice(store.count)) store.append(row)
  return store
}

let nextSeq = 1
function event(phase: string | null, stepId: string | null, message: string, level: EventRow['level'] = 'info'): EventRow {
  const seq = nextSeq++
  return {
    id: seq,
    run_id: 'r',
    seq,
    ts: '2025-01-03T00:00:00Z',
    level,
    source: stepId ?? (phase ? 'phase' : 'executor'),
    phase: phase as EventRow['phase'],
    step_id: stepId,
    message,
    data: null,
  }
}

function fixture(): EventRow[] {
  nextSeq = 1
  return [
    event(null, null, 'Claimed by executor e1'), // 1
    event('validate', null, 'Phase 0 validate'), // 2
    event('validate', null, 'Optional secret missing', 'warn'), // 3
    event('preflight', null, 'Phase 1 preflight'), // 4
    event('preflight', 'health', 'Step health: Health check'), // 5
    event('preflight', 'health', 'GET answered 200', 'debug'), // 6
    event('preflight', null, 'Phase 1 preflight finished'), // 7
    event('execute', null, 'Phase 2 execute'), // 8
    event('execute', 'dispatch', 'Step dispatch'), // 9
    event('execute', 'dispatch', 'dispatch failed', 'error'), // 10
    event('execute', 'wait', 'Step wait'), // 11
  ]
}

/** A compact picture of the rows: headers as "▾ label (count)", lines as indented seqs. */
function shape(rows: LogRow[]): string[] {
  return rows.map((row) => {
    if (row.kind === 'event') return `${'  '.repeat(row.depth)}${row.event.seq}`
    return `${row.kind === 'step' ? '  ' : ''}${row.collapsed ? '▸' : '▾'} ${row.label} (${row.count}${row.worst === 'error' || row.worst === 'warn' ? `, ${row.worst}` : ''})`
  })
}

describe('grouping log lines by phase and step', () => {
  const titles = new Map([
    ['health', 'Health check'],
    ['dispatch', 'Dispatch the workflow'],
  ])

  it.each([
    {
      name: 'everything expanded, all levels',
      minLevel: 'debug' as const,
      collapsed: [] as string[],
      expected: [
        '1',
        '▾ Phase 0 · validate (2, warn)',
        '  2',
        '  3',
        '▾ Phase 1 · preflight (4)',
        '  4',
        '  ▾ Step health · Health check (2)',
        '    5',
        '    6',
        '  7',
        '▾ Phase 2 · execute (4, error)',
        '  8',
        '  ▾ Step dispatch · Dispatch the workflow (2, error)',
        '    9',
        '    10',
        '  ▾ Step wait (1)',
        '    11',
      ],
    },
    {
      name: 'info and above hides debug lines and recounts',
      minLevel: 'info' as const,
      collapsed: [],
      expected: [
        '1',
        '▾ Phase 0 · validate (2, warn)',
        '  2',
        '  3',
        '▾ Phase 1 · preflight (3)',
        '  4',
        '  ▾ Step health · Health check (1)',
        '    5',
        '  7',
        '▾ Phase 2 · execute (4, error)',
        '  8',
        '  ▾ Step dispatch · Dispatch the workflow (2, error)',
        '    9',
        '    10',
        '  ▾ Step wait (1)',
        '    11',
      ],
    },
    {
      name: 'errors only keeps just the groups with an error',
      minLevel: 'error' as const,
      collapsed: [],
      expected: ['▾ Phase 2 · execute (1, error)', '  ▾ Step dispatch · Dispatch the workflow (1, error)', '    10'],
    },
    {
      name: 'a collapsed phase shows only its header',
      minLevel: 'debug' as const,
      collapsed: ['phase-4'],
      expected: [
        '1',
        '▾ Phase 0 · validate (2, warn)',
        '  2',
        '  3',
        '▸ Phase 1 · preflight (4)',
        '▾ Phase 2 · execute (4, error)',
        '  8',
        '  ▾ Step dispatch · Dispatch the workflow (2, error)',
        '    9',
        '    10',
        '  ▾ Step wait (1)',
        '    11',
      ],
    },
    {
      name: 'a collapsed step keeps its phase open',
      minLevel: 'debug' as const,
      collapsed: ['step-9'],
      expected: [
        '1',
        '▾ Phase 0 · validate (2, warn)',
        '  2',
        '  3',
        '▾ Phase 1 · preflight (4)',
        '  4',
        '  ▾ Step health · Health check (2)',
        '    5',
        '    6',
        '  7',
        '▾ Phase 2 · execute (4, error)',
        '  8',
        '  ▸ Step dispatch · Dispatch the workflow (2, error)',
        '  ▾ Step wait (1)',
        '    11',
      ],
    },
  ])('$name', ({ minLevel, collapsed, expected }) => {
    const rows = flattenLogTree(groupLogEvents(fixture()), { minLevel, collapsed: new Set(collapsed), stepTitles: titles })
    expect(shape(rows)).toEqual(expected)
  })

  it('starts a new group when a phase comes back (a run resumed after approval)', () => {
    nextSeq = 1
    const events = [
      event('execute', 'approve', 'Waiting for approval'),
      event(null, null, 'Claimed by executor e2'),
      event('execute', 'approve', 'Approved by the owner'),
      event('execute', 'dispatch', 'Step dispatch'),
    ]
    const rows = flattenLogTree(groupLogEvents(events), { minLevel: 'debug', collapsed: new Set() })
    expect(shape(rows)).toEqual([
      '▾ Phase 2 · execute (1)',
      '  ▾ Step approve (1)',
      '    1',
      '2',
      '▾ Phase 2 · execute · resumed (2)',
      '  ▾ Step approve (1)',
      '    3',
      '  ▾ Step dispatch (1)',
      '    4',
    ])
  })

  it('keeps group keys when new lines arrive', () => {
    const events = fixture()
    const before = flattenLogTree(groupLogEvents(events.slice(0, 9)), { minLevel: 'debug', collapsed: new Set() })
    const after = flattenLogTree(groupLogEvents(events), { minLevel: 'debug', collapsed: new Set() })
    const keys = (rows: LogRow[]) => rows.filter((row) => row.kind !== 'event').map((row) => row.key)
    expect(keys(after).slice(0, keys(before).length)).toEqual(keys(before))
  })

  it.each([
    { seq: 1, expected: [] },
    { seq: 3, expected: ['phase-2'] },
    { seq: 6, expected: ['phase-4', 'step-5'] },
    { seq: 11, expected: ['phase-8', 'step-11'] },
    { seq: 99, expected: [] },
  ])('groups around seq $seq', ({ seq, expected }) => {
    expect(groupKeysOfSeq(groupLogEvents(fixture()), seq)).toEqual(expected)
  })

  it('indexes rows by seq for scrolling to a line', () => {
    const rows = flattenLogTree(groupLogEvents(fixture()), { minLevel: 'debug', collapsed: new Set(['step-5']) })
    const index = rowIndexBySeq(rows)
    expect(index.get(1)).toBe(0)
    expect(index.get(2)).toBe(2)
    expect(index.has(5)).toBe(false)
    expect(rows[index.get(7)!]).toMatchObject({ kind: 'event', event: { seq: 7 } })
  })

  it.each([
    { id: 'dispatch', titles: new Map([['dispatch', 'Dispatch']]), expected: 'Step dispatch · Dispatch' },
    { id: 'dispatch', titles: undefined, expected: 'Step dispatch' },
    { id: 'x', titles: new Map([['x', '']]), expected: 'Step x' },
  ])('labels step $id', ({ id, titles, expected }) => {
    expect(stepLabel(id, titles)).toBe(expected)
  })

  it('groups a hundred thousand lines', () => {
    nextSeq = 1
    const many: EventRow[] = []
    for (let i = 0; i < 100_000; i++) many.push(event('execute', `s${Math.floor(i / 1000)}`, `line ${i}`))
    const rows = flattenLogTree(groupLogEvents(many), { minLevel: 'debug', collapsed: new Set() })
    expect(rows.length).toBe(100_000 + 100 + 1)
  })
})

describe('a run resumed by another invocation', () => {
  it('never shows the same phase header twice: a phase continued after the hand-back reads "resumed"', () => {
    nextSeq = 1
    const events = [
      event('validate', null, 'Phase 0 · validate'), // 1
      event('verify', null, 'Phase 3 · verify: settle, health-after'), // 2
      event('verify', 'settle', 'Waiting 2.0 s'), // 3
      event(null, null, 'Handing the run back'), // 4
      event(null, null, 'Resuming at step settle (attempt 1)'), // 5
      event('validate', null, 'Phase 0 · validate'), // 6
      event('verify', null, 'Phase 3 · verify resumed: settle, health-after'), // 7
      event('verify', 'settle', 'Resuming the wait: 1.2 s left of 2.0 s'), // 8
    ]
    const rows = flattenLogTree(groupLogEvents(events), { minLevel: 'debug', collapsed: new Set() })
    const headers = rows.filter((row) => row.kind === 'phase').map((row) => (row.kind === 'phase' ? row.label : ''))
    expect(headers).toEqual(['Phase 0 · validate', 'Phase 3 · verify', 'Phase 0 · validate · resumed', 'Phase 3 · verify · resumed'])
    expect(new Set(headers).size).toBe(headers.length)
  })
})

describe('a step header', () => {
  it('spans its first to its latest line, whatever the level filter hides', () => {
    nextSeq = 1
    const at = (event: EventRow, ts: string): EventRow => ({ ...event, ts })
    const events = [
      at(event('execute', null, 'Phase 2 execute'), '2025-01-03T00:00:00.000Z'),
      at(event('execute', 'wait', 'Waiting 2.0 s'), '2025-01-03T00:00:00.100Z'),
      at(event('execute', 'wait', 'tick', 'debug'), '2025-01-03T00:00:01.000Z'),
      at(event('execute', 'wait', 'Waited 2.0 s', 'debug'), '2025-01-03T00:00:02.150Z'),
    ]
    const rows = flattenLogTree(groupLogEvents(events), { minLevel: 'info', collapsed: new Set() })
    const step = rows.find((row) => row.kind === 'step')
    expect(step?.kind === 'step' ? step.span : null).toEqual({ from: '2025-01-03T00:00:00.100Z', to: '2025-01-03T00:00:02.150Z' })
  })
})

describe('appending to a grouped log', () => {
  const views: FlattenOptions[] = [
    { minLevel: 'debug', collapsed: new Set() },
    { minLevel: 'info', collapsed: new Set() },
    { minLevel: 'warn', collapsed: new Set() },
    { minLevel: 'error', collapsed: new Set() },
    { minLevel: 'debug', collapsed: new Set(['phase-4']) },
    { minLevel: 'debug', collapsed: new Set(['step-9']) },
    { minLevel: 'info', collapsed: new Set(['step-5', 'phase-8']) },
  ]

  it.each(views.flatMap((view) => Array.from({ length: 11 }, (_, cut) => ({ view, cut }))))(
    'lines added after $cut lines give the rows of the whole log (level $view.minLevel, collapsed $view.collapsed)',
    ({ view, cut }) => {
      const events = fixture()
      const index = new LogIndex()
      const store = storeOf(events.slice(0, cut))
      index.update(store)
      const before = index.rows(view)
      index.update(appendNew(store, events))
      const after = index.rows(view)
      expect(shape(rowsOf(after))).toEqual(shape(flattenLogTree(groupLogEvents(events), view)))
      // The list made before the lines came still shows what it showed.
      expect(before.length).toBeLessThanOrEqual(after.length)
      for (let i = 0; i < before.length; i++) expect(before.keyAt(i)).toBe(after.keyAt(i))
    },
  )

  it('keeps a collapsed step collapsed as its lines arrive, and counts them in its header', () => {
    const events = storeOf(fixture().slice(0, 10))
    const index = new LogIndex()
    index.update(events)
    const collapsed = new Set(['step-9'])
    index.rows({ minLevel: 'debug', collapsed })
    nextSeq = 11 // the line after the ten kept: a store holds a contiguous window of seqs
    events.append(event('execute', 'dispatch', 'retrying', 'warn'))
    index.update(events)
    const rows = rowsOf(index.rows({ minLevel: 'debug', collapsed }))
    expect(shape(rows).slice(-2)).toEqual(['  8', '  ▸ Step dispatch (3, error)'])
    expect(rows.some((row) => row.kind === 'event' && row.event.message === 'retrying')).toBe(false)
  })

  it('shows a group whose lines the filter hid once a line that passes arrives', () => {
    nextSeq = 1
    const events = storeOf([event('preflight', 'health', 'GET', 'debug'), event('preflight', 'health', 'GET', 'debug')])
    const index = new LogIndex()
    index.update(events)
    expect(index.rows({ minLevel: 'warn', collapsed: new Set() }).length).toBe(0)
    events.append(event('preflight', 'health', 'slow answer', 'warn'))
    index.update(events)
    expect(shape(rowsOf(index.rows({ minLevel: 'warn', collapsed: new Set() })))).toEqual([
      '▾ Phase 1 · preflight (1, warn)',
      '  ▾ Step health (1, warn)',
      '    3',
    ])
  })

  it('extends a log whose store grew in place, and groups again when older lines come in front', () => {
    const events = fixture()
    const index = new LogIndex()
    const live = events.slice(4)
    const store = storeOf(live)
    index.update(store)
    const first = index.rows({ minLevel: 'debug', collapsed: new Set() })
    live.push(event('execute', 'wait', 'still waiting'))
    index.update(appendNew(store, live))
    const grown = index.rows({ minLevel: 'debug', collapsed: new Set() })
    expect(grown).not.toBe(first)
    expect(grown.length).toBe(first.length + 1)
    expect(grown.at(grown.length - 1)).toMatchObject({ kind: 'event', event: { message: 'still waiting' }, depth: 2 })
    // Older lines put in front: a new store, grouped again with the keys of the whole log.
    const keysBefore = Array.from({ length: grown.length }, (_, i) => grown.keyAt(i))
    const whole = [...events.slice(0, 4), ...live]
    index.update(store.withOlder(events.slice(0, 4)))
    // The list made before still names the rows it named (the viewer keeps the line on top in view by it).
    expect(Array.from({ length: grown.length }, (_, i) => grown.keyAt(i))).toEqual(keysBefore)
    expect(shape(rowsOf(index.rows({ minLevel: 'debug', collapsed: new Set() })))).toEqual(
      shape(flattenLogTree(groupLogEvents(whole), { minLevel: 'debug', collapsed: new Set() })),
    )
    expect(index.groupKeysOfSeq(6)).toEqual(['phase-4', 'step-5'])
  })

  it('finds a line to reveal after lines were added below it', () => {
    const events = fixture()
    const index = new LogIndex()
    const store = storeOf(events.slice(0, 6))
    index.update(store)
    index.rows({ minLevel: 'debug', collapsed: new Set() })
    index.update(appendNew(store, events))
    const rows = index.rows({ minLevel: 'debug', collapsed: new Set(['step-9']) })
    expect(rows.positionOfSeq(7)).toBe(rowIndexBySeq(rowsOf(rows)).get(7))
    expect(rows.positionOfSeq(10)).toBe(-1)
    expect(rows.positionOfKey('step-9')).toBe(rowsOf(rows).findIndex((row) => row.key === 'step-9'))
    expect(rows.lastStepKey()).toBe('step-11')
  })

  it('gives a line’s message and depth for wrapping, as its row has them, and none for a header', () => {
    const rows = groupLogEvents(fixture()).rows({ minLevel: 'debug', collapsed: new Set() })
    for (const [position, row] of rowsOf(rows).entries()) {
      expect(rows.lineText(position)).toEqual(row.kind === 'event' ? { message: row.event.message, depth: row.depth } : null)
    }
  })
})

describe('searching a log that grows', () => {
  it('reads only the new lines, and keeps the level filter', () => {
    const events = fixture()
    const index = new LogIndex()
    const store = storeOf(events.slice(0, 9))
    index.update(store)
    const search = new LogSearch('step', 'info')
    expect(search.scan(index, 1_000)).toBe(true)
    expect(search.seqs).toEqual([5, 9])
    index.update(appendNew(store, events))
    expect(search.done(index)).toBe(false)
    search.scan(index, 1_000)
    expect(search.seqs).toEqual([5, 9, 11])
    expect(search.seqs).toEqual(matchingSeqs(events, 'step'))
    const errorsOnly = new LogSearch('failed', 'error')
    errorsOnly.scan(index, 1_000)
    expect(errorsOnly.seqs).toEqual([10])
  })

  it('reads a long log a slice at a time and ends with every match', () => {
    nextSeq = 1
    const many: EventRow[] = []
    for (let i = 0; i < 10_000; i++) many.push(event('execute', 's', i % 1000 === 0 ? 'Needle found' : `line ${i}`))
    const index = groupLogEvents(many)
    const search = new LogSearch('NEEDLE', 'debug')
    let clock = 0
    // Each look at the clock moves it on by a millisecond: a 1 ms budget reads one slice per call.
    const slices = () => search.scan(index, 1, () => clock++)
    expect(slices()).toBe(false)
    expect(search.seqs.length).toBeLessThan(10)
    while (!slices());
    expect(search.seqs).toEqual(matchingSeqs(many, 'needle'))
  })

  it('starts again when older lines come in front', () => {
    const events = fixture()
    const index = new LogIndex()
    const store = storeOf(events.slice(8))
    index.update(store)
    const search = new LogSearch('step', 'debug')
    search.scan(index, 1_000)
    expect(search.seqs).toEqual([9, 11])
    index.update(store.withOlder(events.slice(0, 8)))
    search.scan(index, 1_000)
    expect(search.seqs).toEqual([5, 9, 11])
  })
})

function rowsOf(rows: LogRows): LogRow[] {
  return Array.from({ length: rows.length }, (_, i) => rows.at(i))
}

describe('step statuses in the step headings', () => {
  it('carries each step’s recorded status, and reads a step left running in a canceled run as canceled', () => {
    expect(shownStepStatus('succeeded', 'success')).toBe('succeeded')
    expect(shownStepStatus('canceled', 'canceled')).toBe('canceled')
    expect(shownStepStatus('running', 'canceled')).toBe('canceled')
    expect(shownStepStatus('running', 'running')).toBe('running')
    expect(shownStepStatus('exploded', 'success')).toBeNull()
    expect(shownStepStatus(undefined, 'success')).toBeNull()

    const statuses = new Map([
      ['health', 'succeeded' as const],
      ['dispatch', 'canceled' as const],
    ])
    const rows = flattenLogTree(groupLogEvents(fixture()), { minLevel: 'debug', collapsed: new Set(), stepStatuses: statuses })
    const steps = rows.flatMap((row) => (row.kind === 'step' ? [[row.stepId, row.status]] : []))
    expect(steps).toEqual([
      ['health', 'succeeded'],
      ['dispatch', 'canceled'],
      ['wait', null],
    ])
  })
})
