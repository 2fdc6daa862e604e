/** postgres_changes delivery through the real supabase-js client: order, shape, RLS, filters, events. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js'
import { SERVICE_ROLE_KEY } from '../../../local/jwt.ts'
import { engines } from '../../support/databases.ts'
import {
  createUser,
  insertArtifact,
  insertEvents,
  insertRun,
  startHarness,
  subscribe,
  userToken,
  waitFor,
  type Harness,
} from './harness.ts'

type Change = RealtimePostgresChangesPayload<Record<string, any>>
type Row = Record<string, any>

describe.each(engines)('realtime delivery on %s', (engine) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(engine)
  })
  afterEach(async () => {
    await h.close()
  })

  /** A client signed in (for realtime) as a new user. */
  async function user(email: string) {
    const id = await createUser(h.db, email)
    const client = h.client()
    await client.realtime.setAuth(userToken(id))
    return { id, client }
  }

  it("delivers a user's run events in seq order, converted to JS types", async () => {
    const a = await user('a@example.com')
    const run = await insertRun(h.db, a.id)
    const received: Change[] = []
    await subscribe(
      a.client
        .channel(`run-${run}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (change) => received.push(change)),
    )
    for (let from = 1; from <= 200; from += 50) await insertEvents(h.db, run, from, from + 49)

    await waitFor(() => received.length >= 200, '200 events')
    const rows = received.map((change) => change.new as Row)
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    const first = received[0]
    expect(first).toMatchObject({ schema: 'ops', table: 'run_events', eventType: 'INSERT', errors: null, old: {} })
    expect(new Date(first.commit_timestamp).toISOString()).toBe(first.commit_timestamp)
    expect(rows[0]).toMatchObject({ run_id: run, seq: 1, level: 'info', source: 'executor', message: 'line 1', step_id: null })
    expect(typeof rows[0].id).toBe('number')
    expect(rows[0].data).toEqual({ n: 1, tags: ['a', 'b'] })
    expect(Number.isNaN(Date.parse(rows[0].ts))).toBe(false)
  })

  it("never shows one user's runs, events or artifacts to another", async () => {
    const a = await user('a@example.com')
    const b = await user('b@example.com')
    const tables = (client: typeof a.client, name: string, into: Change[]) =>
      client
        .channel(name)
        .on('postgres_changes', { event: '*', schema: 'ops', table: 'runs' }, (c) => into.push(c))
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (c) => into.push(c))
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'artifacts' }, (c) => into.push(c))
    const seenByA: Change[] = []
    const seenByB: Change[] = []
    await subscribe(tables(a.client, 'a-all', seenByA))
    await subscribe(tables(b.client, 'b-all', seenByB))

    const runA = await insertRun(h.db, a.id)
    await insertEvents(h.db, runA, 1, 5)
    await insertArtifact(h.db, runA)
    // Delivery is in commit order, so once B has its own run, anything of A's would be there too.
    const runB = await insertRun(h.db, b.id, 'B sentinel')

    await waitFor(() => seenByA.length >= 7, "A's run, 5 events and artifact")
    await waitFor(() => seenByB.some((c) => (c.new as Row).id === runB), "B's own run")
    expect(seenByA.map((c) => c.table)).toEqual(['runs', 'run_events', 'run_events', 'run_events', 'run_events', 'run_events', 'artifacts'])
    expect(seenByB.map((c) => [c.table, (c.new as Row).id])).toEqual([['runs', runB]])
  })

  it('narrows with eq, in, is and combined filters, and select narrows the payload', async () => {
    const a = await user('a@example.com')
    const [r1, r2, r3] = [await insertRun(h.db, a.id), await insertRun(h.db, a.id), await insertRun(h.db, a.id)]
    const eq: Row[] = []
    const inList: Row[] = []
    const combined: Row[] = []
    const selected: Row[] = []
    await subscribe(
      a.client
        .channel('filters')
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${r1}` }, (c) => eq.push(c.new))
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=in.(${r1},"${r3}")` }, (c) =>
          inList.push(c.new),
        )
        .on(
          'postgres_changes',
          { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${r1},seq=gte.2,seq=not.eq.3` },
          (c) => combined.push(c.new),
        )
        .on(
          'postgres_changes',
          { event: 'INSERT', schema: 'ops', table: 'run_events', filter: 'step_id=is.null,seq=lte.2', select: ['run_id', 'seq'] },
          (c) => selected.push(c.new),
        ),
    )
    await insertEvents(h.db, r2, 1, 3)
    await insertEvents(h.db, r3, 1, 3)
    await insertEvents(h.db, r1, 1, 4)

    await waitFor(() => eq.length >= 4 && inList.length >= 7 && combined.length >= 2 && selected.length >= 6, 'filtered events')
    expect(eq.map((row) => [row.run_id, row.seq])).toEqual([1, 2, 3, 4].map((seq) => [r1, seq]))
    expect(inList.map((row) => row.run_id)).toEqual([r3, r3, r3, r1, r1, r1, r1])
    expect(combined.map((row) => row.seq)).toEqual([2, 4])
    // `select` narrows the payload to the listed columns.
    expect(selected).toEqual(
      [r2, r3, r1].flatMap((run_id) => [
        { run_id, seq: 1 },
        { run_id, seq: 2 },
      ]),
    )
  })

  it('sends UPDATEs with old_record: the key by default, the whole old row under replica identity full', async () => {
    const a = await user('a@example.com')
    const run = await insertRun(h.db, a.id)
    const updates: Change[] = []
    await subscribe(
      a.client
        .channel('status')
        .on('postgres_changes', { event: 'UPDATE', schema: 'ops', table: 'runs', filter: `id=eq.${run}` }, (c) => updates.push(c)),
    )
    await insertRun(h.db, a.id, 'an INSERT the UPDATE binding must not get')
    await h.db.query(
      `update ops.runs set status = 'running', claimed_by = 'worker-1', lease_expires_at = now() + interval '30 seconds' where id = $1`,
      [run],
    )
    await waitFor(() => updates.length >= 1, 'first update')
    expect(updates[0]).toMatchObject({ eventType: 'UPDATE', new: { id: run, status: 'running', claimed_by: 'worker-1' }, old: { id: run } })
    expect(Object.keys(updates[0].old)).toEqual(['id'])

    await h.db.query('alter table ops.runs replica identity full')
    // A join reads the catalog again, so the new replica identity applies from here on.
    const full: Change[] = []
    await subscribe(
      a.client.channel('status-full').on('postgres_changes', { event: 'UPDATE', schema: 'ops', table: 'runs' }, (c) => full.push(c)),
    )
    await h.db.query(`update ops.runs set status = 'success', finished_at = now(), summary = 'done' where id = $1`, [run])
    await waitFor(() => full.length >= 1 && updates.length >= 2, 'second update')
    expect(full[0].old).toMatchObject({ id: run, status: 'running', claimed_by: 'worker-1', summary: null })
    expect(full[0].new).toMatchObject({ id: run, status: 'success', summary: 'done' })
    expect(updates.map((c) => c.eventType)).toEqual(['UPDATE', 'UPDATE'])
  })

  it('sends DELETEs with only the key, without an RLS check, to bindings of that event and table', async () => {
    const a = await user('a@example.com')
    const b = await user('b@example.com')
    const run = await insertRun(h.db, a.id)
    const deletesA: Change[] = []
    const deletesB: Change[] = []
    const insertsA: Change[] = []
    await subscribe(
      a.client
        .channel('deletes-a')
        .on('postgres_changes', { event: 'DELETE', schema: 'ops', table: 'runs' }, (c) => deletesA.push(c))
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'runs' }, (c) => insertsA.push(c)),
    )
    await subscribe(
      b.client.channel('deletes-b').on('postgres_changes', { event: 'DELETE', schema: 'ops', table: 'runs' }, (c) => deletesB.push(c)),
    )
    await h.db.query('delete from ops.runs where id = $1', [run])
    const sentinel = await insertRun(h.db, a.id, 'sentinel')
    await waitFor(() => insertsA.length >= 1 && deletesB.length >= 1, 'delete and sentinel')
    expect(deletesA).toHaveLength(1)
    expect(deletesA[0]).toMatchObject({ eventType: 'DELETE', table: 'runs', new: {}, old: { id: run } })
    expect(Object.keys(deletesA[0].old)).toEqual(['id'])
    expect(deletesB[0].old).toEqual({ id: run })
    expect((insertsA[0].new as Row).id).toBe(sentinel)
  })

  it('delivers rows larger than NOTIFY can carry, complete', async () => {
    const a = await user('a@example.com')
    const run = await insertRun(h.db, a.id)
    const events: Row[] = []
    const artifacts: Row[] = []
    await subscribe(
      a.client
        .channel('big')
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (c) => events.push(c.new))
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'artifacts' }, (c) => artifacts.push(c.new)),
    )
    const message = 'x'.repeat(10_000) + 'é'.repeat(5_000) + 'y'.repeat(5_000)
    await insertEvents(h.db, run, 1, 1, message)
    await insertArtifact(h.db, run, 'big file', 'z'.repeat(300_000))
    await insertEvents(h.db, run, 2, 2)
    await waitFor(() => events.length >= 2 && artifacts.length >= 1, 'big rows')
    expect(events[0].message).toBe(message)
    expect(events[0].seq).toBe(1)
    expect(events[0].data).toEqual({ n: 1, tags: ['a', 'b'] })
    expect(events[1].seq).toBe(2)
    expect(artifacts[0].content).toHaveLength(300_000)
  })

  it('stops delivery to a removed channel and keeps the others', async () => {
    const a = await user('a@example.com')
    const run = await insertRun(h.db, a.id)
    const events: Row[] = []
    const runs: Row[] = []
    const eventsChannel = a.client
      .channel('events')
      .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (c) => events.push(c.new))
    await subscribe(eventsChannel)
    await subscribe(
      a.client.channel('runs').on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'runs' }, (c) => runs.push(c.new)),
    )
    await insertEvents(h.db, run, 1, 2)
    await waitFor(() => events.length >= 2, 'events before leaving')

    expect(await a.client.removeChannel(eventsChannel)).toBe('ok')
    await waitFor(() => h.realtime.stats().channels === 1, 'server to drop the channel')
    await insertEvents(h.db, run, 3, 5)
    const sentinel = await insertRun(h.db, a.id, 'sentinel')
    await waitFor(() => runs.some((row) => row.id === sentinel), 'sentinel on the remaining channel')
    expect(events.map((row) => row.seq)).toEqual([1, 2])
  })

  it('gives the service role every row and anon none (no table privileges)', async () => {
    const a = await user('a@example.com')
    // A public table anon may read, to know when anon has been sent everything it will get.
    await h.db.exec(`
      create table public.pings (id int primary key, note text);
      grant select on public.pings to anon, authenticated, service_role;
      alter publication supabase_realtime add table public.pings;
      select local_realtime.attach_triggers();
    `)
    const service = h.client(SERVICE_ROLE_KEY)
    const anon = h.client()
    const byService: Change[] = []
    const byAnon: Change[] = []
    await subscribe(
      service.channel('service').on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (c) => byService.push(c)),
    )
    await subscribe(
      anon
        .channel('anon')
        .on('postgres_changes', { event: '*', schema: 'ops' }, (c) => byAnon.push(c))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'pings' }, (c) => byAnon.push(c)),
    )
    const run = await insertRun(h.db, a.id)
    await insertEvents(h.db, run, 1, 3)
    await h.db.query(`insert into public.pings values (1, 'ping')`)
    await waitFor(() => byService.length >= 3, 'service role events')
    await waitFor(() => byAnon.length >= 1, 'anon ping')
    expect(byAnon.map((c) => [c.table, c.new])).toEqual([['pings', { id: 1, note: 'ping' }]])
    expect(byService.map((c) => (c.new as Row).seq)).toEqual([1, 2, 3])
  })

  it('serves vsn 1.0.0 clients in the object form', async () => {
    const id = await createUser(h.db, 'v1@example.com')
    const client = h.client(undefined, { vsn: '1.0.0' })
    await client.realtime.setAuth(userToken(id))
    const run = await insertRun(h.db, id)
    const seqs: number[] = []
    await subscribe(
      client
        .channel('v1')
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${run}` }, (c) =>
          seqs.push(c.new.seq),
        ),
    )
    await insertEvents(h.db, run, 1, 3)
    await waitFor(() => seqs.length >= 3, 'vsn 1 events')
    expect(seqs).toEqual([1, 2, 3])
  })
})
