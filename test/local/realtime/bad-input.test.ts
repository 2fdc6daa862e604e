/** Malformed frames, bad joins and refused upgrades: answered or ignored, never fatal. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ANON_KEY, signJwt } from '../../../local/jwt.ts'
import { engines } from '../../support/databases.ts'
import {
  createUser,
  insertEvents,
  insertRun,
  RawSocket,
  startHarness,
  subscribe,
  subscribeFailing,
  userToken,
  waitFor,
  type Harness,
} from './harness.ts'

describe.each(engines)('realtime bad input on %s', (engine) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(engine)
  })
  afterEach(async () => {
    await h.close()
  })

  /** A fresh real client still subscribes and gets a change: the server is fine. */
  async function expectServing() {
    const id = await createUser(h.db, `ok-${Math.random()}@example.com`)
    const run = await insertRun(h.db, id)
    const client = h.client()
    await client.realtime.setAuth(userToken(id))
    const seqs: number[] = []
    await subscribe(
      client
        .channel(`ok-${run}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events', filter: `run_id=eq.${run}` }, (c) =>
          seqs.push((c.new as { seq: number }).seq),
        ),
    )
    await insertEvents(h.db, run, 1, 2)
    await waitFor(() => seqs.length >= 2, 'events on a healthy server')
    expect(seqs).toEqual([1, 2])
  }

  it('answers or ignores malformed frames and keeps the socket', async () => {
    const raw = h.raw()
    await raw.opened
    raw.sendText('not json')
    raw.sendText('{"a":1}')
    raw.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    // What realtime-js sends for channel.send({type: 'broadcast'}): a kind-3 binary push.
    const [joinRef, ref, topic, event] = ['1', '77', 'realtime:room', 'cursor']
    const header = Buffer.from([3, joinRef.length, ref.length, topic.length, event.length, 0, 1])
    raw.ws.send(Buffer.concat([header, Buffer.from(joinRef + ref + topic + event), Buffer.from('{"x":1}')]), { binary: true })
    raw.sendText('[1,"70"]')
    raw.sendText('[null,"71","realtime:x","phx_join","nope"]')
    const unmatched = raw.push('realtime:nobody', 'broadcast', { type: 'broadcast', event: 'x', payload: {} })
    const phoenix = raw.push('phoenix', 'dance', {})
    const noPrefix = raw.push('room1', 'phx_join', { config: {} })

    expect((await raw.reply('77')).response.reason).toMatch(/binary frames \(broadcast\) are not supported/)
    expect((await raw.reply('70')).response.reason).toMatch(/malformed message: expected 5 elements/)
    expect((await raw.reply('71')).response.reason).toMatch(/malformed message: payload must be a JSON object/)
    expect(await raw.reply(unmatched)).toEqual({ status: 'error', response: { reason: 'unmatched topic' } })
    expect((await raw.reply(phoenix)).status).toBe('error')
    expect(await raw.reply(noPrefix)).toEqual({ status: 'error', response: { reason: 'unmatched topic' } })

    // A join without postgres_changes (broadcast/presence only) is accepted with no bindings.
    const plain = await raw.join('realtime:plain', [])
    expect(plain.reply).toEqual({ status: 'ok', response: { postgres_changes: [] } })
    const presence = raw.push('realtime:plain', 'presence', { type: 'presence', event: 'track', payload: {} }, plain.joinRef)
    expect((await raw.reply(presence)).response.reason).toMatch(/not supported by the local stack/)

    const heartbeat = raw.push('phoenix', 'heartbeat', {})
    expect(await raw.reply(heartbeat)).toEqual({ status: 'ok', response: {} })
    expect(raw.closed).toBeUndefined()
    expect(h.realtime.stats()).toMatchObject({ sockets: 1, channels: 1 })
    await expectServing()
  })

  it('refuses joins with bad bindings, saying what is wrong', async () => {
    const raw = h.raw()
    await raw.opened
    const reason = async (binding: Record<string, unknown>) => {
      const { reply } = await raw.join(`realtime:bad-${raw.nextRef()}`, [binding])
      expect(reply.status).toBe('error')
      return String(reply.response.reason)
    }
    const runs = { event: '*', schema: 'ops', table: 'runs' }
    expect(await reason({ ...runs, filter: 'nope' })).toMatch(/invalid filter "nope": expected column=operator.value/)
    expect(await reason({ ...runs, filter: 'nope=eq.1' })).toMatch(/column "nope" does not exist in ops.runs/)
    expect(await reason({ ...runs, filter: 'id=eq.not-a-uuid' })).toMatch(/invalid input syntax for type uuid/)
    expect(await reason({ ...runs, filter: 'title=like.%x%' })).toMatch(/operator "like" is not supported/)
    expect(await reason({ ...runs, filter: 'inputs=eq.{}' })).toMatch(/filtering on inputs \(jsonb\) is not supported/)
    expect(await reason({ ...runs, filter: 'id=in.()' })).toMatch(/in needs at least one value/)
    expect(await reason({ ...runs, table: 'nope' })).toMatch(/relation "ops.nope" does not exist/)
    expect(await reason({ ...runs, schema: 'nope' })).toMatch(/schema "nope" does not exist/)
    expect(await reason({ ...runs, table: 'run_templates' })).toMatch(/not in the supabase_realtime publication/)
    expect(await reason({ ...runs, event: 'TRUNCATE' })).toMatch(/event must be one of/)
    expect(await reason({ ...runs, select: ['id', 'nope'] })).toMatch(/column "nope" of select does not exist/)
    expect(h.realtime.stats().channels).toBe(0)
    await expectServing()
  })

  it('reports CHANNEL_ERROR with the reason to the real client', async () => {
    const client = h.client()
    const statuses = await subscribeFailing(
      client.channel('bad').on('postgres_changes', { event: '*', schema: 'ops', table: 'runs', filter: 'status=gt' }, () => {}),
    )
    expect(statuses.list[0]).toBe('CHANNEL_ERROR')
    expect(statuses.errors[0]).toMatch(/invalid filter "status=gt"/)
    await client.removeAllChannels()
    await expectServing()
  })

  it('closes only the socket that sends a frame over 1 MiB', async () => {
    const big = h.raw()
    const other = h.raw()
    await Promise.all([big.opened, other.opened])
    big.sendText(JSON.stringify([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(1_200_000) }]))
    await waitFor(() => big.closed, 'the oversized socket to close')
    expect(big.closed!.code).toBe(1009)
    const ref = other.push('phoenix', 'heartbeat', {})
    expect((await other.reply(ref)).status).toBe('ok')
    await waitFor(() => h.realtime.stats().sockets === 1, 'one socket left')
    await expectServing()
  })

  it('refuses upgrades without a valid apikey with HTTP 401, before any WebSocket', async () => {
    const refused = async (url: string) => {
      const raw = new RawSocket(url)
      await raw.opened.catch(() => {})
      await waitFor(() => raw.refusedStatus, `a refusal of ${url}`)
      return raw.refusedStatus
    }
    expect(await refused(h.socketUrl())).toBe(401)
    expect(await refused(h.socketUrl(''))).toBe(401)
    expect(await refused(h.socketUrl('garbage'))).toBe(401)
    expect(await refused(h.socketUrl(signJwt({ role: 'anon', exp: 1 })))).toBe(401)
    expect(await refused(h.socketUrl(ANON_KEY.slice(0, -2) + 'xx'))).toBe(401)
    expect(await refused(h.socketUrl(ANON_KEY, { vsn: '3.0.0' }))).toBe(400)
    expect(h.realtime.stats().sockets).toBe(0)
    await expectServing()
  })

  it('leaves upgrades on other paths to other handlers', async () => {
    h.server.on('upgrade', (req, socket) => {
      if (req.url?.startsWith('/elsewhere')) socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    })
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/elsewhere?apikey=${ANON_KEY}`)
    ws.on('error', () => {})
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)))
    expect(status).toBe(418)
    await expectServing()
  })
})
