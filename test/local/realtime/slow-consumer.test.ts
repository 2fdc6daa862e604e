/** A client that stops reading is cut off at its byte budget; the server's buffer for it stays bounded. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SERVICE_ROLE_KEY } from '../../../local/jwt.ts'
import { engines } from '../../support/databases.ts'
import { createUser, insertEvents, insertRun, startHarness, subscribe, userToken, waitFor, type Harness } from './harness.ts'

const BUDGET = 1024 * 1024

describe.each(engines)('realtime slow consumer on %s', (engine) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(engine, { maxBufferedBytes: BUDGET })
  })
  afterEach(async () => {
    await h.close()
  })

  it('disconnects a socket that never reads, within its budget, and keeps serving the others', async () => {
    const owner = await createUser(h.db, 'owner@example.com')
    const run = await insertRun(h.db, owner)

    // A well-behaved subscriber on another table.
    const client = h.client()
    await client.realtime.setAuth(userToken(owner))
    const seqs: number[] = []
    await subscribe(
      client
        .channel('events')
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (c) => seqs.push((c.new as { seq: number }).seq)),
    )

    // The stalled one: joins as the service role, then stops reading its socket.
    const slow = h.raw(SERVICE_ROLE_KEY)
    await slow.opened
    const { reply } = await slow.join('realtime:artifacts', [{ event: 'INSERT', schema: 'ops', table: 'artifacts' }])
    expect(reply.status).toBe('ok')
    slow.ws.pause()

    // ~40 MB of artifacts: far more than the kernel's socket buffers plus the 1 MiB budget.
    for (let batch = 0; batch < 8; batch++) {
      await h.db.query(
        `insert into ops.artifacts (run_id, kind, title, content)
         select $1, 'file', 'artifact ' || ($2 * 10 + n), repeat(chr(97 + n), 500000) from generate_series(1, 10) as n`,
        [run, batch],
      )
    }
    await waitFor(() => h.realtime.stats().slowConsumers === 1, 'the slow consumer to be cut off', 20_000)
    await waitFor(() => h.realtime.stats().sockets === 1, 'its socket to be gone', 20_000)
    const stats = h.realtime.stats()
    expect(stats.peakBufferedBytes).toBeGreaterThan(0)
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(BUDGET)
    expect(stats.channels).toBe(1)

    await insertEvents(h.db, run, 1, 3)
    await waitFor(() => seqs.length >= 3, 'events on the healthy socket')
    expect(seqs).toEqual([1, 2, 3])
  })
})
