/**
 * The local change triggers report a table's changes only while a joined channel wants that
 * table, as hosted Realtime sends nobody a change nobody listens to (and its WAL reader costs the
 * writer nothing): a change before the join is not reported, one after it is, and a table is
 * dropped from the watched ones when its last channel leaves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines } from '../../support/databases.ts'
import { createUser, insertRun, startHarness, subscribe, waitFor, userToken, type Harness } from './harness.ts'

describe.each(engines)('the change triggers on %s', (engine) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(engine)
  })
  afterEach(async () => {
    await h.close()
  })

  it('report the changes of a table only while a joined channel wants it', async () => {
    const notified: { table: string; record?: { title?: string } }[] = []
    const stop = await h.db.listen('local_realtime', (payload) => notified.push(JSON.parse(payload)))
    try {
      const owner = await createUser(h.db)
      await insertRun(h.db, owner, 'before the join')

      const client = h.client()
      await client.realtime.setAuth(userToken(owner))
      const channel = client.channel('runs').on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'runs' }, () => {})
      await subscribe(channel)
      await insertRun(h.db, owner, 'after the join')
      // Notifications come in commit order: once the second run's is here, the first's would be too.
      await waitFor(() => notified.some((n) => n.record?.title === 'after the join'), 'the change after the join')
      expect(notified.map((n) => [n.table, n.record?.title])).toEqual([['runs', 'after the join']])

      await client.removeChannel(channel)
      const watched = async () => (await h.db.query('select 1 from local_realtime.watched')).rows.length
      for (let waited = 0; (await watched()) > 0 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20))
      expect(await watched()).toBe(0)
    } finally {
      await stop()
    }
  })
})
