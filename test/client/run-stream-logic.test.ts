/**
 * RunStream's decisions, with a scripted realtime channel and an in-memory database: subscribe
 * before backfilling, merge live and fetched events, refetch a gap that stays open or a tail that
 * runs.last_seq says is missing, backfill again after a rejoin, resubscribe after the server
 * closed the channel, poll while realtime is down, and page older events.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openRunStream } from '../../src/client/run-stream.ts'
import { isoTimestamp } from '../../src/client/row-versions.ts'
import type { OpsClient } from '../../src/client/supabase.ts'
import type { ArtifactRow, EventRow, OpsApi, RunRow, RunStreamHandle, RunStreamState } from '../../src/client/types.ts'

const RUN_ID = '00000000-0000-4000-8000-000000000001'

const event = (seq: number): EventRow => ({
  id: seq,
  run_id: RUN_ID,
  seq,
  ts: new Date(1_700_000_000_000 + seq).toISOString(),
  level: 'info',
  source: 'executor',
  phase: 'execute',
  step_id: null,
  message: `line ${seq}`,
  data: null,
})

function runRow(patch: Partial<RunRow> = {}): RunRow {
  return {
    id: RUN_ID,
    created_at: '2025-01-03T10:00:00.000000+00:00',
    updated_at: '2025-01-03T10:00:00.000000+00:00',
    created_by: 'u',
    workspace_id: 'w',
    template_slug: 'deploy-web',
    template_revision_id: 'r',
    template_hash: 'h',
    kind: 'deploy',
    env: 'staging',
    title: 'Run',
    intent: null,
    inputs: {},
    plan: null,
    dry_run: false,
    status: 'running',
    cancel_requested: false,
    attempt: 1,
    claimed_by: 'w',
    lease_expires_at: null,
    started_at: null,
    finished_at: null,
    events_removed_at: null,
    summary: null,
    error: null,
    last_seq: 0,
    last_batch_id: null,
    current_step: null,
    step_results: {},
    secret_inputs: null,
    ...patch,
  }
}

type Callback = (payload: { new?: unknown; payload?: unknown }) => void

/** A database and a realtime channel the test drives by hand. */
function harness() {
  const db = { events: [] as EventRow[], run: runRow() as RunRow | null, artifacts: [] as ArtifactRow[] }
  const calls: string[] = []
  let failNext = 0
  const api = {
    getRun() {
      calls.push('getRun')
      if (failNext > 0) {
        failNext--
        return Promise.reject(new Error('Could not load run: network down'))
      }
      return Promise.resolve(db.run && { ...db.run })
    },
    listArtifacts() {
      calls.push('listArtifacts')
      return Promise.resolve([...db.artifacts])
    },
    fetchEvents(_runId: string, range: { after?: number; before?: number; limit?: number }) {
      calls.push(`fetchEvents ${JSON.stringify(range)}`)
      let rows = db.events.filter(
        (e) => (range.after === undefined || e.seq > range.after) && (range.before === undefined || e.seq < range.before),
      )
      rows = range.after !== undefined ? rows.sort((a, b) => a.seq - b.seq) : rows.sort((a, b) => b.seq - a.seq)
      return Promise.resolve(rows.slice(0, range.limit ?? 1000))
    },
  } as unknown as OpsApi

  const channels: { name: string; handlers: Map<string, Callback>; status?: (status: string) => void; removed: boolean }[] = []
  const client = {
    // Like supabase-js: reading the session's token for realtime before a join.
    realtime: { setAuth: async () => {} },
    channel(name: string) {
      const channel = {
        name,
        handlers: new Map<string, Callback>(),
        status: undefined as ((s: string) => void) | undefined,
        removed: false,
      }
      channels.push(channel)
      const api = {
        on(_type: string, filter: { table?: string; event?: string }, callback: Callback) {
          // postgres_changes by table; the run's events are a broadcast (one message per batch).
          channel.handlers.set(filter.table ?? `broadcast:${filter.event}`, callback)
          return api
        },
        subscribe(callback: (status: string) => void) {
          channel.status = callback
          return api
        },
        _channel: channel,
      }
      return api
    },
    removeChannel(made: { _channel: { removed: boolean } }) {
      made._channel.removed = true
      return Promise.resolve('ok')
    },
  } as unknown as OpsClient

  const current = () => channels[channels.length - 1]
  return {
    db,
    calls,
    api,
    client,
    channels,
    failNext: (n: number) => {
      failNext = n
    },
    status: (status: string) => current().status!(status),
    live: (seq: number) => current().handlers.get('broadcast:events')!({ payload: { run_id: RUN_ID, events: [event(seq)] } }),
    runUpdate: (patch: Partial<RunRow>) => current().handlers.get('broadcast:run')!({ payload: { run: runRow(patch) } }),
    artifact: (row: ArtifactRow) => current().handlers.get('artifacts')!({ new: row }),
    write(...seqs: number[]) {
      for (const seq of seqs) db.events.push(event(seq))
      db.run = { ...db.run!, last_seq: Math.max(db.run!.last_seq, ...seqs) }
    },
  }
}

const streams: RunStreamHandle[] = []
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()))
})

/** Opens a stream and waits until it has joined its channel (it reads the session token first). */
async function open(h: ReturnType<typeof harness>, options: Parameters<typeof openRunStream>[3] = {}) {
  const stream = openRunStream(h.client, h.api, RUN_ID, { gapGraceMs: 20, pollMs: 40, batchMs: 1, ...options })
  streams.push(stream)
  const deadline = Date.now() + 10_000
  while (h.channels.length === 0 || h.channels[h.channels.length - 1].status === undefined) {
    if (Date.now() > deadline) throw new Error('the stream never joined a channel')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  return stream
}

async function until(stream: RunStreamHandle, predicate: (state: RunStreamState) => boolean, what: string): Promise<RunStreamState> {
  const deadline = Date.now() + 10_000
  while (!predicate(stream.state)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; state: ${JSON.stringify({ ...stream.state, events: stream.state.events.slice().map((e) => e.seq) })}`,
      )
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return stream.state
}

const seqs = (state: RunStreamState) => state.events.slice().map((e) => e.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('RunStream', () => {
  it('subscribes first and backfills only once subscribed', async () => {
    const h = harness()
    h.write(1, 2, 3)
    const stream = await open(h, { pollMs: 60_000 })
    expect(h.channels).toHaveLength(1)
    expect(h.calls).toEqual([])
    expect(stream.state.live).toBe('connecting')
    h.live(4) // committed after the subscription, before the backfill
    h.write(4)
    h.status('SUBSCRIBED')
    const state = await until(stream, (s) => s.events.count === 4, 'the backfill')
    expect(seqs(state)).toEqual([1, 2, 3, 4])
    expect(state).toMatchObject({ live: 'live', hasOlder: false, error: null, run: { id: RUN_ID, last_seq: 4 } })
    expect(h.calls.slice(0, 2).sort()).toEqual(['getRun', 'listArtifacts'])
  })

  it('merges live events, dropping duplicates, and refetches a gap that stays open', async () => {
    const h = harness()
    const stream = await open(h)
    h.status('SUBSCRIBED')
    await until(stream, (s) => s.run !== null, 'the first backfill')
    h.write(1, 2, 3, 4, 5)
    h.live(1)
    h.live(2)
    h.live(2)
    h.live(5) // 3 and 4 were missed live
    const state = await until(stream, (s) => s.events.count === 5, 'the gap to be refetched')
    expect(seqs(state)).toEqual([1, 2, 3, 4, 5])
    expect(h.calls).toContain('fetchEvents {"after":2,"before":5,"limit":1000}')
  })

  it('fetches the tail that runs.last_seq says is missing', async () => {
    const h = harness()
    const stream = await open(h)
    h.status('SUBSCRIBED')
    await until(stream, (s) => s.run !== null, 'the first backfill')
    h.write(1, 2, 3)
    h.runUpdate({ status: 'success', last_seq: 3, updated_at: '2025-01-03T10:00:05.000001+00:00' })
    const state = await until(stream, (s) => s.events.count === 3, 'the missing tail')
    expect(state.run).toMatchObject({ status: 'success', last_seq: 3 })
  })

  it('keeps the newer run row when REST and realtime race', async () => {
    const h = harness()
    h.db.run = runRow({ status: 'running', updated_at: '2025-01-03 10:00:01+00' })
    const stream = await open(h, { pollMs: 60_000 })
    h.runUpdate({ status: 'success', updated_at: '2025-01-03T10:00:01.5+00:00', summary: 'done' })
    h.status('SUBSCRIBED')
    await until(stream, (s) => s.run?.status === 'success', 'the realtime row')
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(stream.state.run).toMatchObject({ status: 'success', summary: 'done' })
  })

  it('backfills again from the last contiguous seq after the channel rejoins', async () => {
    const h = harness()
    h.write(1, 2)
    const stream = await open(h, { pollMs: 60_000 })
    h.status('SUBSCRIBED')
    await until(stream, (s) => s.events.count === 2, 'the first backfill')
    h.status('CHANNEL_ERROR')
    expect((await until(stream, (s) => s.live === 'reconnecting', 'reconnecting')).live).toBe('reconnecting')
    h.write(3, 4, 5) // committed while the socket was down: never delivered live
    h.status('SUBSCRIBED')
    const state = await until(stream, (s) => s.events.count === 5, 'the catch-up')
    expect(state.live).toBe('live')
    expect(h.calls).toContain('fetchEvents {"after":2,"limit":1000}')
  })

  it('polls while realtime is down, and joins a new channel after the server closed it', async () => {
    const h = harness()
    h.write(1)
    const stream = await open(h)
    // Never subscribed: the poll still shows the run.
    await until(stream, (s) => s.events.count === 1, 'the poll')
    h.status('SUBSCRIBED')
    h.status('CLOSED')
    await until(stream, () => h.channels.length === 2, 'a new channel')
    expect(h.channels[0].removed).toBe(true)
    h.write(2)
    await until(stream, (s) => s.events.count === 2, 'the poll while reconnecting')
    h.status('SUBSCRIBED')
    h.write(3)
    h.live(3)
    expect(seqs(await until(stream, (s) => s.events.count === 3, 'the live event'))).toEqual([1, 2, 3])
  })

  it('reports a failed backfill and recovers on retry', async () => {
    const h = harness()
    h.write(1)
    h.failNext(1)
    const stream = await open(h)
    h.status('SUBSCRIBED')
    expect((await until(stream, (s) => s.error !== null, 'the error')).error).toBe('Could not load run: network down')
    const state = await until(stream, (s) => s.error === null && s.events.count === 1, 'the retry')
    expect(state.live).toBe('live')
  })

  it('says when the run does not exist for this user', async () => {
    const h = harness()
    h.db.run = null
    const stream = await open(h)
    h.status('SUBSCRIBED')
    expect((await until(stream, (s) => s.error !== null, 'the error')).error).toBe(
      `Run ${RUN_ID} was not found: it was deleted, or it belongs to someone else.`,
    )
  })

  it('loads the tail first and pages older events back to seq 1', async () => {
    const h = harness()
    h.write(...range(1, 25))
    const stream = await open(h, { tailSize: 10 })
    h.status('SUBSCRIBED')
    let state = await until(stream, (s) => s.events.count === 10, 'the tail')
    expect(seqs(state)).toEqual(range(16, 25))
    expect(state.hasOlder).toBe(true)
    await stream.loadOlder()
    expect(seqs(stream.state)).toEqual(range(6, 25))
    await stream.loadOlder()
    state = stream.state
    expect(seqs(state)).toEqual(range(1, 25))
    expect(state).toMatchObject({ hasOlder: false, loadingOlder: false })
    await stream.loadOlder() // nothing older: no request
    expect(h.calls.filter((c) => c.includes('"before":1,'))).toEqual([])
  })

  it('adds artifacts once, in creation order', async () => {
    const h = harness()
    const artifact = (id: string, created_at: string): ArtifactRow => ({
      id,
      run_id: RUN_ID,
      created_at,
      key: id,
      step_id: null,
      kind: 'link',
      title: id,
      url: 'https://example.com',
      content: null,
      mime: null,
      size: null,
    })
    h.db.artifacts = [artifact('b', '2025-01-03T10:00:02+00:00')]
    const stream = await open(h)
    h.artifact(artifact('a', '2025-01-03 10:00:01+00'))
    h.status('SUBSCRIBED')
    const state = await until(stream, (s) => s.artifacts.length === 2, 'both artifacts')
    h.artifact(artifact('b', '2025-01-03T10:00:02+00:00'))
    expect(state.artifacts.map((a) => a.id)).toEqual(['a', 'b'])
    // Realtime's Postgres-style timestamps leave the stream in the REST (ISO) form.
    expect(state.artifacts[0].created_at).toBe('2025-01-03T10:00:01+00:00')
    expect(isoTimestamp('2025-01-03 10:00:01.123456+05:30')).toBe('2025-01-03T10:00:01.123456+05:30')
    expect(isoTimestamp('2025-01-03T10:00:01Z')).toBe('2025-01-03T10:00:01Z')
    expect(stream.state.artifacts).toHaveLength(2)
  })

  it('notifies subscribers with immutable snapshots and stops on close', async () => {
    const h = harness()
    h.write(1, 2)
    const stream = await open(h)
    const seen: RunStreamState[] = []
    const unsubscribe = stream.subscribe((state) => seen.push(state))
    expect(seen).toHaveLength(1)
    h.status('SUBSCRIBED')
    await until(stream, (s) => s.events.count === 2, 'the backfill')
    const before = seen[seen.length - 1]
    await stream.close()
    expect(h.channels[0].removed).toBe(true)
    expect(stream.state.live).toBe('closed')
    expect(before.events.slice().map((e) => e.seq)).toEqual([1, 2])
    unsubscribe()
  })
})
