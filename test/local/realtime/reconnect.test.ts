/** The server drops the connection; the real client reconnects and rejoins by itself. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines } from '../../support/databases.ts'
import { createUser, insertEvents, insertRun, startHarness, subscribe, userToken, waitFor, type Harness } from './harness.ts'

describe.each(engines)('realtime reconnect on %s', (engine) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(engine)
  })
  afterEach(async () => {
    await h.close()
  })

  it('rejoins after the server cuts the socket and receives what is inserted afterwards', async () => {
    const a = await createUser(h.db, 'a@example.com')
    const run = await insertRun(h.db, a)
    const client = h.client()
    await client.realtime.setAuth(userToken(a))
    const seqs: number[] = []
    const statuses = await subscribe(
      client
        .channel(`run-${run}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${run}` }, (c) =>
          seqs.push((c.new as { seq: number }).seq),
        ),
    )
    await insertEvents(h.db, run, 1, 1)
    await waitFor(() => seqs.length >= 1, 'event before the drop')

    expect(h.dropSockets()).toBe(1)
    await waitFor(() => statuses.list.filter((s) => s === 'SUBSCRIBED').length >= 2, 'second SUBSCRIBED', 20_000)
    expect(statuses.list).toContain('CHANNEL_ERROR')
    expect(h.realtime.stats()).toMatchObject({ sockets: 1, channels: 1 })

    await insertEvents(h.db, run, 2, 4)
    await waitFor(() => seqs.length >= 4, 'events after the reconnect')
    expect(seqs).toEqual([1, 2, 3, 4])
  })
})
