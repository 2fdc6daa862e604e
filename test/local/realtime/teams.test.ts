/** Live runs of a workspace reach its members and nobody else: realtime's per-subscriber check applies the team model. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engines } from '../../support/databases.ts'
import { perform } from '../../support/actors.ts'
import { addEvent, createTeamFixture, parkAtGate, startRun, type Team } from '../../support/teams.ts'
import { ENVIRONMENT_GATE_STEP } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { startHarness, subscribe, userToken, waitFor, type Harness } from './harness.ts'

type Row = Record<string, any>

describe.each(engines)('realtime for teams on %s', (engine) => {
  let h: Harness
  let team: Team
  beforeEach(async () => {
    h = await startHarness(engine)
    team = await createTeamFixture(h.db)
  })
  afterEach(async () => {
    await h.close()
  })

  async function listen(userId: string): Promise<{ runs: Row[]; events: Row[] }> {
    const seen = { runs: [] as Row[], events: [] as Row[] }
    const client = h.client()
    await client.realtime.setAuth(userToken(userId))
    await subscribe(
      client
        .channel(`runs-of-${userId}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'runs' }, (change) => seen.runs.push(change.new))
        .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (change) => seen.events.push(change.new)),
    )
    return seen
  }

  it("delivers W's runs and events to a viewer of W, and nothing of W to a member of another workspace", async () => {
    const viewer = await listen(team.users.viewer)
    const outsider = await listen(team.users.outsider)

    const run = await startRun(h.db, team.workspace, team.users.operator, { title: 'W run' })
    await addEvent(h.db, run, 'W event')
    await waitFor(() => viewer.events.length >= 1, "the viewer to receive W's event")

    // The other workspace's run is the outsider's sentinel: realtime delivers each subscriber's
    // rows in commit order, so once it arrives, W's earlier rows would have arrived too.
    const theirs = await startRun(h.db, team.other, team.users.outsider, { title: 'Other run' })
    await addEvent(h.db, theirs, 'Other event')
    await waitFor(() => outsider.events.length >= 1, "the outsider to receive their own workspace's event")
    // And a later W event is the viewer's sentinel for the other workspace's rows.
    await addEvent(h.db, run, 'W again')
    await waitFor(() => viewer.events.length >= 2, "the viewer to receive W's second event")

    expect(viewer.runs.map((r) => r.title)).toEqual(['W run'])
    expect(viewer.events.map((e) => [e.run_id, e.message])).toEqual([
      [run, 'W event'],
      [run, 'W again'],
    ])
    expect(outsider.runs.map((r) => r.title)).toEqual(['Other run'])
    expect(outsider.events.map((e) => [e.run_id, e.message])).toEqual([[theirs, 'Other event']])
  })

  it("delivers a decision on W's run to a viewer of W, and not to a member of another workspace", async () => {
    const decisions = { viewer: [] as Row[], outsider: [] as Row[] }
    for (const who of ['viewer', 'outsider'] as const) {
      const client = h.client()
      await client.realtime.setAuth(userToken(team.users[who]))
      await subscribe(
        client
          .channel(`approvals-of-${who}`)
          .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_approvals' }, (change) => decisions[who].push(change.new)),
      )
    }
    const run = await startRun(h.db, team.workspace, team.users.operator, { env: 'production' })
    await parkAtGate(h.db, run)
    const approved = await perform(h.db, team.claims('approver'), "select status from ops.decide_approval($1, true, 'ship it')", [run])
    expect(approved).toEqual({ ok: true, rows: [{ status: 'queued' }] })
    await waitFor(() => decisions.viewer.length >= 1, 'the viewer to receive the decision')

    // The outsider's sentinel: a decision recorded on a run of their own workspace.
    const theirs = await startRun(h.db, team.other, team.users.outsider, { env: 'production', title: 'Other run', status: 'success' })
    await h.db.query(
      "insert into ops.run_approvals (run_id, step_id, decided_by, decision, comment) values ($1, $2, $3, 'approved', 'theirs')",
      [theirs, ENVIRONMENT_GATE_STEP, team.users.outsider],
    )
    await waitFor(() => decisions.outsider.length >= 1, "the outsider to receive their own workspace's decision")
    // And the viewer's: a later decision in W.
    await h.db.query(
      "insert into ops.run_approvals (run_id, step_id, decided_by, decision, comment) values ($1, 'later-step', $2, 'approved', 'later')",
      [run, team.users.admin],
    )
    await waitFor(() => decisions.viewer.length >= 2, 'the viewer to receive the later decision')

    expect(decisions.viewer.map((d) => [d.run_id, d.decided_by, d.decision, d.comment])).toEqual([
      [run, team.users.approver, 'approved', 'ship it'],
      [run, team.users.admin, 'approved', 'later'],
    ])
    expect(decisions.outsider.map((d) => d.comment)).toEqual(['theirs'])
  })
})
