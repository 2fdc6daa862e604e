/**
 * The local change triggers report a table's changes only while a joined channel wants that
 * table, as hosted Realtime sends nobody a change nobody listens to (and its WAL reader costs the
 * writer nothing): a change before the join is not reported, one after it is, and a table is
 * dropped from the watched ones when its last channel leaves. The watched list and the functions
 * that keep the triggers are the stack's own: no API role reaches them.
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

  it('are out of reach of every API role', async () => {
    const owner = await createUser(h.db)
    const roles = [{ role: 'anon' }, { role: 'authenticated', sub: owner }, { role: 'service_role' }]
    const statements = [
      'select * from local_realtime.watched',
      `insert into local_realtime.watched values (gen_random_uuid(), 'ops', 'runs')`,
      'delete from local_realtime.watched',
      'select local_realtime.attach_triggers()',
    ]
    const outcomes: string[] = []
    for (const claims of roles) {
      for (const sql of statements) {
        const outcome = await h.db
          .asRole(claims, (tx) => tx.query(sql))
          .then(
            () => 'allowed',
            (error: Error) => error.message,
          )
        outcomes.push(`${claims.role}: ${sql.split(' ')[0]} → ${outcome}`)
      }
    }
    expect(outcomes).toEqual(
      roles.flatMap(({ role }) => statements.map((sql) => `${role}: ${sql.split(' ')[0]} → permission denied for schema local_realtime`)),
    )
  })
})
