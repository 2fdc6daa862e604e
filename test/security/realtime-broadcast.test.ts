/**
 * Who may hear a run over Broadcast, checked the way hosted Realtime checks a private channel's
 * join (a probe message read and written as the joining user with realtime.topic() set):
 * - receive on `run:<id>`: members of the run's workspace, every role; nobody else;
 * - receive on `workspace:<id>:runs` (the run history): the workspace's members; nobody else;
 * - send on `run:<id>` from a client: nobody, not even an admin; only the database's trigger;
 * - hostile topics (SQL-looking, wildcards, another workspace's run, case games) match nothing;
 * - what the database sends: one message per appended batch, the run's row only when what a viewer
 *   sees changed, and a batch too large to broadcast as a range to read over REST, never dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { as, perform, serviceClaims } from '../support/actors.ts'
import { ACTORS, createTeamFixture, startRun, type Team } from '../support/teams.ts'
import { migratedDatabase, type TestDatabase } from '../support/databases.ts'
import { topicAccess } from '../../local/realtime/topic-access.ts'
import { startHarness, subscribe, userToken, waitFor, type Harness } from '../local/realtime/harness.ts'

describe.each(engines)('Realtime Authorization of run topics on %s', (engine) => {
  let test: TestDatabase
  let team: Team
  let run: string
  let theirs: string
  beforeAll(async () => {
    test = await migratedDatabase(engine)
    team = await createTeamFixture(test.db)
    run = await startRun(test.db, team.workspace, team.users.operator)
    theirs = await startRun(test.db, team.other, team.users.outsider)
  })
  afterAll(() => test.drop())

  it('lets the workspace’s members receive on the run’s topic and nobody send, whoever they are', async () => {
    const outcome: Record<string, { read: boolean; write: boolean }> = {}
    for (const actor of ACTORS) outcome[actor] = await topicAccess(test.db, team.claims(actor), `run:${run}`)
    expect(outcome).toEqual({
      outsider: { read: false, write: false },
      viewer: { read: true, write: false },
      operator: { read: true, write: false },
      approver: { read: true, write: false },
      admin: { read: true, write: false },
      anon: { read: false, write: false },
      // The service role bypasses RLS, on hosted Supabase too: it is the server's key, never a user's.
      service_role: { read: true, write: true },
    })
    // Nothing of the checks is left behind.
    const { rows } = await test.db.query<{ n: number }>(
      'select count(*)::int as n from realtime.messages where topic = $1 and payload is null',
      [`run:${run}`],
    )
    expect(rows[0].n).toBe(0)
  })

  it('lets only the workspace’s members receive its run changes, and nobody send them', async () => {
    const outcome: Record<string, { read: boolean; write: boolean }> = {}
    for (const actor of ACTORS) outcome[actor] = await topicAccess(test.db, team.claims(actor), `workspace:${team.workspace}:runs`)
    expect(outcome).toEqual({
      outsider: { read: false, write: false },
      viewer: { read: true, write: false },
      operator: { read: true, write: false },
      approver: { read: true, write: false },
      admin: { read: true, write: false },
      anon: { read: false, write: false },
      service_role: { read: true, write: true },
    })
    for (const topic of [
      `workspace:${team.other}:runs`,
      `workspace:${team.workspace}:runs `,
      `workspace:${team.workspace}`,
      'workspace:%:runs',
    ]) {
      expect({ topic, ...(await topicAccess(test.db, team.claims('admin'), topic)) }).toEqual({ topic, read: false, write: false })
    }
  })

  it('sends a workspace’s runs as they start, change what a viewer sees and are deleted, never per log batch', async () => {
    const fresh = await startRun(test.db, team.workspace, team.users.operator)
    await as(test.db, serviceClaims, "select id from ops.claim_run('security', $1)", [fresh])
    await as(test.db, serviceClaims, "select ops.append_run_events($1, 'security', $2::jsonb)", [fresh, JSON.stringify([{ message: 'a' }])])
    await as(test.db, serviceClaims, "select * from ops.heartbeat_run($1, 'security', 60)", [fresh])
    await test.db.query('delete from ops.runs where id = $1', [fresh])
    const { rows } = await test.db.query<{ event: string; payload: { run?: { id: string; status: string }; id?: string } }>(
      "select event, payload from realtime.messages where topic = $1 and payload is not null and (payload->'run'->>'id' = $2 or payload->>'id' = $2) order by inserted_at",
      [`workspace:${team.workspace}:runs`, fresh],
    )
    expect(rows.map((m) => [m.event, m.payload.run?.status ?? m.payload.id])).toEqual([
      ['run', 'queued'],
      ['run', 'running'],
      ['run_deleted', fresh],
    ])
  })

  it('matches nothing for hostile or foreign topics', async () => {
    const topics = [
      `run:${theirs}`,
      `run:${run.toUpperCase()}`,
      `run:${run} `,
      `run:' or true --`,
      'run:%',
      'run:*',
      `runs:${run}`,
      `run:${run}'; select 1; --`,
      `run:\${{ secrets.TOKEN }}`,
      'run:' + 'x'.repeat(10_000),
      '',
    ]
    for (const topic of topics) {
      expect({ topic: topic.slice(0, 60), ...(await topicAccess(test.db, team.claims('admin'), topic)) }).toEqual({
        topic: topic.slice(0, 60),
        read: false,
        write: false,
      })
    }
  })

  it('refuses a member’s own insert into realtime.messages on the run’s topic', async () => {
    const attempt = await perform(
      test.db,
      team.claims('admin'),
      "insert into realtime.messages (topic, extension, event, payload, private) values ($1, 'broadcast', 'events', '{}', true)",
      [`run:${run}`],
    )
    expect(attempt).toMatchObject({ ok: false, code: '42501' })
  })

  it('sends one message per batch, the run’s row only when what a viewer sees changed, and a too-large batch as a range', async () => {
    const fresh = await startRun(test.db, team.workspace, team.users.operator)
    await as(test.db, serviceClaims, "select id from ops.claim_run('security', $1)", [fresh])
    const before = await messages(fresh)
    expect(before.map((m) => m.event)).toEqual(['run']) // claimed: status running
    for (const batch of [['a', 'b'], ['c'], ['d', 'e', 'f']]) {
      await as(test.db, serviceClaims, "select ops.append_run_events($1, 'security', $2::jsonb)", [
        fresh,
        JSON.stringify(batch.map((message) => ({ message }))),
      ])
    }
    // A heartbeat moves only the lease: nothing is sent.
    await as(test.db, serviceClaims, "select * from ops.heartbeat_run($1, 'security', 60)", [fresh])
    const big = Array.from({ length: 300 }, (_, i) => ({ message: `${i} ${'x'.repeat(1000)}` }))
    await as(test.db, serviceClaims, "select ops.append_run_events($1, 'security', $2::jsonb)", [fresh, JSON.stringify(big)])

    const after = (await messages(fresh)).slice(1)
    expect(after.map((m) => m.event)).toEqual(['events', 'events', 'events', 'events'])
    expect(after.slice(0, 3).map((m) => (m.payload.events as { seq: number }[]).map((e) => e.seq))).toEqual([[1, 2], [3], [4, 5, 6]])
    expect(after[3].payload).toMatchObject({ run_id: fresh, from_seq: 7, to_seq: 306, truncated: true })
    expect(after[3].payload.events).toBeUndefined()
    expect(after.every((m) => m.private)).toBe(true)
  })

  async function messages(runId: string) {
    const { rows } = await test.db.query<{ event: string; payload: Record<string, unknown>; private: boolean }>(
      "select event, payload, private from realtime.messages where topic = $1 and payload is not null order by inserted_at, (payload->'events'->0->>'seq')::int nulls first",
      [`run:${runId}`],
    )
    return rows
  }
})

describe.each(engines)('Realtime sends on run topics on %s', (engine) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(engine)
  })
  afterAll(() => h.close())

  it('does not relay a member’s own broadcast on a run’s channel to the other members', async () => {
    const team = await createTeamFixture(h.db)
    const runId = await startRun(h.db, team.workspace, team.users.operator)
    await as(h.db, serviceClaims, "select id from ops.claim_run('security', $1)", [runId])
    const heard: unknown[] = []
    const listener = h.client()
    await listener.realtime.setAuth(userToken(team.users.viewer))
    await subscribe(
      listener.channel(`run:${runId}`, { config: { private: true } }).on('broadcast', { event: 'events' }, (m) => heard.push(m.payload)),
    )
    const sender = h.client()
    await sender.realtime.setAuth(userToken(team.users.admin))
    const channel = sender.channel(`run:${runId}`, { config: { private: true } })
    await subscribe(channel)
    await channel.send({ type: 'broadcast', event: 'events', payload: { run_id: runId, events: [{ seq: 1, message: 'forged' }] } })
    // The database's own batch is the sentinel.
    await as(h.db, serviceClaims, "select ops.append_run_events($1, 'security', $2::jsonb)", [runId, JSON.stringify([{ message: 'real' }])])
    await waitFor(() => heard.length >= 1, 'the real batch')
    expect(heard).toHaveLength(1)
    expect(heard[0]).toMatchObject({ run_id: runId, events: [{ seq: 1, message: 'real' }] })
  })
})
