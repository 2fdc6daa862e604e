/**
 * A run's log over Broadcast from the database, as hosted Realtime serves it: each appended batch
 * is one message on the private channel `run:<run id>`, which only the workspace's members may
 * join (RLS on realtime.messages, checked at join as the joining user); a member removed from the
 * workspace has their channel closed; outsiders and anon get a join error and nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SupabaseClient } from '@supabase/supabase-js'
import { engines } from '../../support/databases.ts'
import { as, serviceClaims } from '../../support/actors.ts'
import { createTeamFixture, startRun, type Team } from '../../support/teams.ts'
import { startHarness, subscribe, subscribeFailing, userToken, waitFor, type Harness, type Statuses } from './harness.ts'

interface Batch {
  run_id: string
  events?: { seq: number; message: string; run_id: string }[]
  from_seq?: number
  to_seq?: number
  truncated?: boolean
}

/** Claims the run as an executor would, so ops.append_run_events accepts its batches. */
export async function claim(h: Harness, runId: string): Promise<void> {
  await as(h.db, serviceClaims, "select id from ops.claim_run('broadcast-test', $1)", [runId])
}

/** One call of ops.append_run_events as the executor makes it: one batch. */
export async function append(h: Harness, runId: string, messages: string[]): Promise<void> {
  await as(h.db, serviceClaims, "select ops.append_run_events($1, 'broadcast-test', $2::jsonb)", [
    runId,
    JSON.stringify(messages.map((message) => ({ message }))),
  ])
}

/** A client signed in as `userId` listening to the run's private channel. */
async function listen(h: Harness, userId: string | undefined, runId: string) {
  const client: SupabaseClient = h.client()
  if (userId) await client.realtime.setAuth(userToken(userId))
  const batches: Batch[] = []
  const channel = client
    .channel(`run:${runId}`, { config: { private: true } })
    .on('broadcast', { event: 'events' }, (message) => batches.push(message.payload as Batch))
  return { client, channel, batches }
}

describe.each(engines)('run events over Broadcast on %s', (engine) => {
  let h: Harness
  let team: Team
  let runId: string
  beforeEach(async () => {
    // Every message checks the channel's access again, so a removal shows at the next one.
    h = await startHarness(engine, { authorizationRecheckMs: 0 })
    team = await createTeamFixture(h.db)
    runId = await startRun(h.db, team.workspace, team.users.operator, { title: 'Broadcast run' })
    await claim(h, runId)
  })
  afterEach(async () => {
    await h.close()
  })

  it('sends each appended batch once, as one message, to a member on the private channel', async () => {
    const viewer = await listen(h, team.users.viewer, runId)
    await subscribe(viewer.channel)
    await append(h, runId, ['one', 'two', 'three'])
    await append(h, runId, ['four'])
    await waitFor(() => viewer.batches.length >= 2, 'two batches')
    // A third batch is the sentinel: nothing else arrived before it.
    await append(h, runId, ['five', 'six'])
    await waitFor(() => viewer.batches.length >= 3, 'the third batch')

    expect(viewer.batches.map((b) => b.events!.map((e) => [e.seq, e.message]))).toEqual([
      [
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
      ],
      [[4, 'four']],
      [
        [5, 'five'],
        [6, 'six'],
      ],
    ])
    expect(viewer.batches.every((b) => b.run_id === runId && b.events!.every((e) => e.run_id === runId))).toBe(true)
    const { rows } = await h.db.query<{ n: number }>(
      "select count(*)::int as n from realtime.messages where topic = $1 and payload ? 'run_id'",
      [`run:${runId}`],
    )
    expect(rows[0].n).toBe(3)
  })

  it('refuses the join of a member of another workspace and of anon, who then get nothing', async () => {
    const outsider = await listen(h, team.users.outsider, runId)
    const anon = await listen(h, undefined, runId)
    const refused: Statuses[] = [await subscribeFailing(outsider.channel), await subscribeFailing(anon.channel)]
    for (const statuses of refused) {
      expect(statuses.list[0]).toBe('CHANNEL_ERROR')
      expect(statuses.errors[0]).toContain(`Unauthorized: You do not have permissions to read from this Channel topic: run:${runId}`)
    }
    // The member is the sentinel: once their batch arrives, the others' would have too.
    const viewer = await listen(h, team.users.viewer, runId)
    await subscribe(viewer.channel)
    await append(h, runId, ['secret line'])
    await waitFor(() => viewer.batches.length >= 1, 'the member’s batch')
    expect(outsider.batches).toEqual([])
    expect(anon.batches).toEqual([])
    await outsider.client.removeAllChannels()
    await anon.client.removeAllChannels()
  })

  it('does not deliver a private run message to a public channel of the same name', async () => {
    const client = h.client()
    await client.realtime.setAuth(userToken(team.users.viewer))
    const heard: unknown[] = []
    await subscribe(client.channel(`run:${runId}`).on('broadcast', { event: 'events' }, (m) => heard.push(m)))
    const viewer = await listen(h, team.users.viewer, runId)
    await subscribe(viewer.channel)
    await append(h, runId, ['only private'])
    await waitFor(() => viewer.batches.length >= 1, 'the private batch')
    expect(heard).toEqual([])
  })

  it('closes the channel of a member removed from the workspace, who gets nothing more', async () => {
    const viewer = await listen(h, team.users.viewer, runId)
    const statuses = await subscribe(viewer.channel)
    const operator = await listen(h, team.users.operator, runId)
    await subscribe(operator.channel)
    await append(h, runId, ['before'])
    await waitFor(() => viewer.batches.length >= 1, 'the first batch')

    await team.as('admin', 'select ops.remove_member($1, $2)', [team.workspace, team.users.viewer])
    await append(h, runId, ['after'])
    await waitFor(() => statuses.list.includes('CLOSED'), 'the removed member’s channel to close')
    await waitFor(() => operator.batches.length >= 2, 'the remaining member’s second batch')
    expect(viewer.batches.map((b) => b.events!.map((e) => e.message))).toEqual([['before']])
    // A new join is refused now.
    const again = await listen(h, team.users.viewer, runId)
    await viewer.client.removeAllChannels()
    const refused = await subscribeFailing(again.channel)
    expect(refused.errors[0]).toContain('Unauthorized')
    await again.client.removeAllChannels()
  })
})

describe.each(engines)('run events over Broadcast with checks ahead of time on %s', (engine) => {
  let h: Harness
  let team: Team
  let runId: string
  beforeEach(async () => {
    h = await startHarness(engine, { authorizationRecheckMs: 300 })
    team = await createTeamFixture(h.db)
    runId = await startRun(h.db, team.workspace, team.users.operator, { title: 'Broadcast run' })
    await claim(h, runId)
  })
  afterEach(async () => {
    await h.close()
  })

  it('checks a channel that had messages again before its next one, closing a removed member’s', async () => {
    const viewer = await listen(h, team.users.viewer, runId)
    const statuses = await subscribe(viewer.channel)
    await append(h, runId, ['before'])
    await waitFor(() => viewer.batches.length >= 1, 'the first batch')

    await team.as('admin', 'select ops.remove_member($1, $2)', [team.workspace, team.users.viewer])
    // No message comes, yet the channel is checked again and closed: the next one would not wait for that.
    await waitFor(() => statuses.list.includes('CLOSED'), 'the removed member’s channel to close')
    await append(h, runId, ['after'])
    expect(viewer.batches.map((b) => b.events!.map((e) => e.message))).toEqual([['before']])
  })
})

describe.each(engines)('realtime quotas on %s', (engine) => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('disconnects a socket whose message takes the project over its messages-per-second cap', async () => {
    h = await startHarness(engine, { maxMessagesPerSecond: 3 })
    const team = await createTeamFixture(h.db)
    const runId = await startRun(h.db, team.workspace, team.users.operator)
    await claim(h, runId)
    const viewer = await listen(h, team.users.viewer, runId)
    const statuses = await subscribe(viewer.channel)
    for (let i = 0; i < 20; i++) await append(h, runId, [`line ${i}`])
    await waitFor(() => h!.realtime.stats().overRate >= 1, 'a socket to be disconnected for the rate')
    await waitFor(() => statuses.list.length > 1, 'the channel to report the disconnection')
    expect(statuses.errors.join('\n') + statuses.list.join(' ')).toMatch(/Too many messages per second|CHANNEL_ERROR|CLOSED/)
    expect(viewer.batches.length).toBeLessThan(20)
    expect(h.realtime.stats().peakMessagesPerSecond).toBeLessThanOrEqual(3)
  })

  it('does not send a Broadcast over the payload limit, and says why', async () => {
    h = await startHarness(engine, { maxBroadcastBytes: 2000 })
    const team = await createTeamFixture(h.db)
    const runId = await startRun(h.db, team.workspace, team.users.operator)
    await claim(h, runId)
    const viewer = await listen(h, team.users.viewer, runId)
    await subscribe(viewer.channel)
    await append(h, runId, ['x'.repeat(3000)])
    await append(h, runId, ['small'])
    await waitFor(() => viewer.batches.length >= 1, 'the small batch')
    expect(viewer.batches.map((b) => b.events!.map((e) => e.seq))).toEqual([[2]])
    expect(h.realtime.stats().oversizedBroadcasts).toBe(1)
    expect(h.warnings).toEqual([expect.stringContaining(`on run:${runId} not sent: its payload is`)])
    h.warnings.length = 0
  })
})
