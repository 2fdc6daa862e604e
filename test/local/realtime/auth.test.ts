/** Tokens on realtime channels: refresh, switch user, expiry, bad tokens. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signJwt } from '../../../local/jwt.ts'
import { engines } from '../../support/databases.ts'
import { createUser, insertEvents, insertRun, startHarness, subscribe, userToken, waitFor, type Harness } from './harness.ts'

type Row = Record<string, any>

describe.each(engines)('realtime tokens on %s', (engine) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(engine)
  })
  afterEach(async () => {
    await h.close()
  })

  it('keeps the channel across setAuth and checks RLS with the new claims from then on', async () => {
    const a = await createUser(h.db, 'a@example.com')
    const b = await createUser(h.db, 'b@example.com')
    const [runA, runB] = [await insertRun(h.db, a), await insertRun(h.db, b)]
    const client = h.client()
    await client.realtime.setAuth(userToken(a))
    const events: Row[] = []
    const statuses = await subscribe(
      client.channel('events').on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (c) => events.push(c.new)),
    )
    await insertEvents(h.db, runA, 1, 1)
    await waitFor(() => events.length >= 1, 'first event')

    // A refreshed token for the same user (of a session that exists): delivery simply continues.
    const { rows } = await h.db.query<{ id: string }>('insert into auth.sessions (user_id) values ($1) returning id', [a])
    await client.realtime.setAuth(userToken(a, { iat: Math.floor(Date.now() / 1000), session_id: rows[0].id }))
    // The server handles a socket's messages in order, so once a later join is answered, the
    // access_token before it is in effect.
    await subscribe(client.channel('barrier-1'))
    await insertEvents(h.db, runA, 2, 2)
    await waitFor(() => events.length >= 2, 'event after refresh')

    // Now the same channel carries B's token: A's rows stop, B's arrive.
    await client.realtime.setAuth(userToken(b))
    await subscribe(client.channel('barrier-2'))
    await insertEvents(h.db, runA, 3, 3)
    await insertEvents(h.db, runB, 1, 1)
    await waitFor(() => events.some((row) => row.run_id === runB), "B's event")
    expect(events.map((row) => [row.run_id, row.seq])).toEqual([
      [runA, 1],
      [runA, 2],
      [runB, 1],
    ])
    expect(statuses.list).toEqual(['SUBSCRIBED'])
  })

  it('closes the channel when an expired token is sent as access_token', async () => {
    const a = await createUser(h.db, 'a@example.com')
    const run = await insertRun(h.db, a)
    const client = h.client()
    await client.realtime.setAuth(userToken(a))
    const system: Row[] = []
    const statuses = await subscribe(
      client
        .channel('events')
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, () => {})
        .on('system', {}, (payload) => system.push(payload)),
    )
    expect(h.realtime.stats().channels).toBe(1)
    await client.realtime.setAuth(userToken(a, { exp: Math.floor(Date.now() / 1000) - 60 }))
    await waitFor(() => statuses.list.includes('CLOSED'), 'CLOSED')
    expect(system.at(-1)).toMatchObject({ extension: 'system', status: 'error', message: 'Token has expired' })
    await waitFor(() => h.realtime.stats().channels === 0, 'server to drop the channel')
    await insertEvents(h.db, run, 1, 1)
    expect(client.realtime.getChannels()).toHaveLength(0)
  })

  it('sends nothing more on a channel closed for a bad token (raw socket)', async () => {
    const a = await createUser(h.db, 'a@example.com')
    const run = await insertRun(h.db, a)
    const raw = h.raw()
    await raw.opened
    const topic = 'realtime:events'
    const { joinRef, reply } = await raw.join(topic, [{ event: 'INSERT', schema: 'ops', table: 'run_events' }], userToken(a))
    expect(reply.status).toBe('ok')
    await insertEvents(h.db, run, 1, 1)
    await waitFor(() => raw.changes(topic).length >= 1, 'first event')

    raw.push(topic, 'access_token', { access_token: 'not.a.jwt' }, joinRef)
    await waitFor(() => raw.frames.some((f) => f[2] === topic && f[3] === 'phx_close'), 'phx_close')
    const system = raw.frames.find((f) => f[2] === topic && f[3] === 'system' && f[4].status === 'error')!
    expect(system[0]).toBe(joinRef)
    expect(system[4]).toMatchObject({ channel: 'events', extension: 'system', status: 'error' })
    expect(String(system[4].message)).toMatch(/Invalid token/)

    await insertEvents(h.db, run, 2, 3)
    const sentinel = 'realtime:sentinel'
    expect((await raw.join(sentinel, [{ event: 'INSERT', schema: 'ops', table: 'runs' }], userToken(a))).reply.status).toBe('ok')
    await insertRun(h.db, a, 'sentinel')
    await waitFor(() => raw.changes(sentinel).length >= 1, 'sentinel')
    expect(raw.changes(topic)).toHaveLength(1)
  })

  it('closes the channel when its token expires while subscribed', async () => {
    const a = await createUser(h.db, 'a@example.com')
    const client = h.client()
    await client.realtime.setAuth(userToken(a, { exp: Math.floor(Date.now() / 1000) + 3 }))
    const statuses = await subscribe(
      client.channel('short').on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, () => {}),
    )
    await waitFor(() => statuses.list.includes('CLOSED'), 'CLOSED after expiry')
    await waitFor(() => h.realtime.stats().channels === 0, 'server to drop the channel')
  })

  it('refuses a join whose access_token is invalid, with the reason', async () => {
    const raw = h.raw()
    await raw.opened
    const bindings = [{ event: '*', schema: 'ops', table: 'runs' }]
    const garbage = await raw.join('realtime:a', bindings, 'garbage')
    expect(garbage.reply).toEqual({ status: 'error', response: { reason: expect.stringMatching(/Invalid token/) } })
    const expired = await raw.join('realtime:b', bindings, userToken('00000000-0000-0000-0000-000000000000', { exp: 1 }))
    expect(expired.reply).toEqual({ status: 'error', response: { reason: 'Token has expired' } })
    const badRole = await raw.join('realtime:c', bindings, signJwt({ role: 'postgres', exp: Math.floor(Date.now() / 1000) + 60 }))
    expect(String(badRole.reply.response.reason)).toMatch(/role "postgres" is not one of anon, authenticated, service_role/)
    expect(h.realtime.stats().channels).toBe(0)
  })
})
