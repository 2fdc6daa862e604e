import { afterAll, beforeAll, expect, it } from 'vitest'
import { describePostgres, migratedDatabase, type TestDatabase } from '../support/databases.ts'

describePostgres('LISTEN on real Postgres', () => {
  let test: TestDatabase
  beforeAll(async () => {
    test = await migratedDatabase('postgres')
  })
  afterAll(() => test.drop())

  it('reconnects and listens again when its connection is terminated', async () => {
    const received: string[] = []
    const stop = await test.db.listen('reconnect_test', (payload) => received.push(payload))
    await test.db.query("select pg_notify('reconnect_test', 'before')")
    const until = async (value: string) => {
      for (let i = 0; i < 400 && !received.includes(value); i++) await new Promise((r) => setTimeout(r, 25))
      expect(received).toContain(value)
    }
    await until('before')
    const killed = await test.db.query<{ killed: boolean }>(
      "select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = current_database() and query ilike 'listen%'",
    )
    expect(killed.rows.some((row) => row.killed)).toBe(true)
    // Keep notifying until the new connection listens; then every later notification arrives.
    for (let i = 0; i < 400 && !received.includes('after'); i++) {
      await test.db.query("select pg_notify('reconnect_test', 'after')")
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(received).toContain('after')
    await stop()
  })
})
