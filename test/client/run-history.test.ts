/**
 * The Runs tab's history: merged from REST and realtime by pure functions, and kept current over
 * realtime against a local stack — new runs and status changes arrive without another REST read,
 * another user's runs never do, and a deleted run leaves the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { engines } from '../support/databases.ts'
import { matrix } from '../support/matrix.ts'
import { createRun, waitFor } from '../support/executor.ts'
import { memoryStorage, startTestStack, type TestStack } from '../support/stack.ts'
import { createOpsApi } from '../../src/client/api.ts'
import { mergeLoad, mergeRun, openRunHistory, type RunHistoryHandle, type RunHistoryState } from '../../src/client/run-history.ts'
import { createOpsClient, type OpsClient } from '../../src/client/supabase.ts'
import type { OpsApi, RunRow } from '../../src/client/types.ts'

function row(id: string, createdSecond: number, changes: Partial<RunRow> = {}): RunRow {
  return {
    id,
    title: `run ${id}`,
    status: 'queued',
    last_seq: 0,
    created_at: `2025-01-03T10:00:${String(createdSecond).padStart(2, '0')}+00:00`,
    updated_at: `2025-01-03T10:00:${String(createdSecond).padStart(2, '0')}+00:00`,
    ...changes,
  } as RunRow
}

describe('merging runs from REST and realtime', () => {
  const a = row('a', 1)
  const b = row('b', 2)

  it('puts a new whole run in order, newest first, within the limit', () => {
    expect(mergeRun([b, a], row('c', 3), 10).map((run) => run.id)).toEqual(['c', 'b', 'a'])
    expect(mergeRun([b, a], row('c', 3), 2).map((run) => run.id)).toEqual(['c', 'b'])
    expect(mergeRun([b, a], row('z', 0), 2).map((run) => run.id)).toEqual(['b', 'a'])
  })

  it('takes a newer version of a known run and ignores an older one', () => {
    const running = { ...a, status: 'running', updated_at: '2025-01-03T10:00:05+00:00' } as RunRow
    const merged = mergeRun([b, a], running, 10)
    expect(merged[1]).toMatchObject({ id: 'a', status: 'running' })
    expect(mergeRun(merged, a, 10)).toBe(merged)
    // Same updated_at: the one further along its log wins.
    const further = { ...running, last_seq: 7 }
    expect(mergeRun(merged, further, 10)[1]).toMatchObject({ last_seq: 7 })
    expect(mergeRun(mergeRun(merged, further, 10), running, 10)[1]).toMatchObject({ last_seq: 7 })
  })

  it('keeps known columns a partial update left out, and ignores a partial unknown run', () => {
    const partial = { id: 'a', status: 'success', updated_at: '2025-01-03T10:00:09+00:00', title: undefined } as unknown as RunRow
    expect(mergeRun([b, a], partial, 10)[1]).toMatchObject({ id: 'a', status: 'success', title: 'run a' })
    const unknown = { id: 'q', status: 'success' } as RunRow
    const list = [b, a]
    expect(mergeRun(list, unknown, 10)).toBe(list)
  })

  it('merges a load: newer versions win, runs changed during the load stay, others follow the load', () => {
    const liveA = { ...a, status: 'success', updated_at: '2025-01-03T10:00:09+00:00' } as RunRow
    const createdMeanwhile = row('c', 3)
    const gone = row('g', 0)
    const merged = mergeLoad([createdMeanwhile, liveA, gone], [b, a], new Set(['c', 'a']), 10)
    expect(merged.map((run) => run.id)).toEqual(['c', 'b', 'a'])
    expect(merged[2].status).toBe('success')
  })
})

describe.each(engines)('RunHistory on %s', (engine) => {
  // Every test on PGlite; on the other engines the smoke ones (test/support/matrix.ts).
  const { it, smoke } = matrix(engine)
  let stack: TestStack
  const clients: OpsClient[] = []
  const histories: RunHistoryHandle[] = []

  async function signedIn() {
    const client = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
    clients.push(client)
    const { error } = await client.auth.signInAnonymously()
    if (error) throw error
    return client
  }

  /** A history that could only learn of changes over realtime: no poll or resync for minutes. */
  function liveHistory(client: OpsClient) {
    const plain = createOpsApi(client)
    const reads = { count: 0 }
    const api: OpsApi = { ...plain, listRuns: (...args) => (reads.count++, plain.listRuns(...args)) }
    const history = openRunHistory(client, api, { pollMs: 600_000, resyncMs: 600_000, batchMs: 10 })
    histories.push(history)
    return { history, reads }
  }

  const until = (history: RunHistoryHandle, predicate: (state: RunHistoryState) => boolean, what: string) =>
    waitFor(() => (predicate(history.state) ? history.state : undefined), what)
  const statusOf = (state: RunHistoryState, id: string) => state.runs?.find((run) => run.id === id)?.status

  beforeAll(async () => {
    stack = await startTestStack(engine)
  })
  afterAll(async () => {
    for (const history of histories) await history.close()
    for (const client of clients) {
      await client.removeAllChannels()
      await client.realtime.disconnect()
    }
    await stack.stop()
  })

  smoke('shows new runs and every status change live, without reading the list again', async () => {
    const user = await signedIn()
    const before = await createRun(user, { title: 'Before the tab opened' })
    const { history, reads } = liveHistory(user)
    await until(history, (s) => s.live && s.runs !== null, 'the first load')
    // Joins the load in flight (and the one queued behind it); afterwards only realtime is left.
    await history.refresh()
    expect(history.state.runs?.map((run) => run.id)).toEqual([before])
    const readsAfterLoad = reads.count

    const added = await createRun(user, { title: 'Opened while watching' })
    const shown = await until(history, (s) => statusOf(s, added) === 'queued', 'the new run to appear')
    expect(shown.runs?.map((run) => run.id)).toEqual([added, before])
    expect(shown.runs?.[0].title).toBe('Opened while watching')

    const service = stack.client(stack.serviceRoleKey)
    const claimed = await service.rpc('claim_run', { p_worker: 'w1', p_run_id: added })
    expect(claimed.error).toBeNull()
    await until(history, (s) => statusOf(s, added) === 'running', 'running to show')
    const finished = await service.rpc('finish_run', { p_run_id: added, p_worker: 'w1', p_status: 'success', p_summary: 'done' })
    expect(finished.error).toBeNull()
    const done = await until(history, (s) => statusOf(s, added) === 'success', 'success to show')
    expect(done.runs?.[0]).toMatchObject({ id: added, status: 'success', summary: 'done' })
    expect(new Date(done.runs![0].finished_at!).getTime()).not.toBeNaN()
    expect(reads.count).toBe(readsAfterLoad)

    const deleted = await user.from('runs').delete().eq('id', added)
    expect(deleted.error).toBeNull()
    const after = await until(history, (s) => !s.runs?.some((run) => run.id === added), 'the deleted run to leave')
    expect(after.runs?.map((run) => run.id)).toEqual([before])
    expect(reads.count).toBe(readsAfterLoad)
  })

  smoke('hears a run start and change status, never each batch of its log', async () => {
    const user = await signedIn()
    const { history } = liveHistory(user)
    await until(history, (s) => s.live && s.runs !== null, 'the first load')
    const runId = await createRun(user, { title: 'A chatty run' })
    await until(history, (s) => statusOf(s, runId) === 'queued', 'the new run to appear')
    const service = stack.client(stack.serviceRoleKey)
    expect((await service.rpc('claim_run', { p_worker: 'w-chatty', p_run_id: runId })).error).toBeNull()
    await until(history, (s) => statusOf(s, runId) === 'running', 'running to show')

    const heard: RunHistoryState[] = []
    history.subscribe((state) => heard.push(state))
    for (let batch = 0; batch < 5; batch++) {
      const appended = await service.rpc('append_run_events', {
        p_run_id: runId,
        p_worker: 'w-chatty',
        p_events: [{ message: `line ${batch}` }],
      })
      expect(appended.error).toBeNull()
      await new Promise((resolve) => setTimeout(resolve, 40))
    }
    // A status change after the batches: once it shows, anything the batches sent has arrived too.
    const finished = await service.rpc('finish_run', { p_run_id: runId, p_worker: 'w-chatty', p_status: 'success', p_summary: 'done' })
    expect(finished.error).toBeNull()
    await until(history, (s) => statusOf(s, runId) === 'success', 'success to show')
    expect(heard.filter((state) => statusOf(state, runId) === 'running')).toEqual([])
  })

  smoke('never shows another user’s runs', async () => {
    const mine = await signedIn()
    const theirs = await signedIn()
    const { history } = liveHistory(mine)
    await until(history, (s) => s.live && s.runs !== null, 'the first load')
    const other = await createRun(theirs, { title: 'Someone else’s' })
    const own = await createRun(mine, { title: 'Mine, after theirs' })
    const state = await until(history, (s) => statusOf(s, own) === 'queued', 'my run to appear')
    expect(state.runs?.map((run) => run.id)).toEqual([own])
    expect(state.runs?.some((run) => run.id === other)).toBe(false)
  })

  it('stops listening when closed', async () => {
    const user = await signedIn()
    const { history } = liveHistory(user)
    await until(history, (s) => s.live && s.runs !== null, 'the first load')
    const heard: RunHistoryState[] = []
    history.subscribe((state) => heard.push(state))
    await history.close()
    await createRun(user, { title: 'After closing' })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(heard).toEqual([])
    expect(user.getChannels()).toEqual([])
  })
})
