/**
 * Spec review as the plugin meets it: src/client/spec-reviews.ts through supabase-js over REST and
 * Realtime against the local stack, each person signed in through Auth. Members read the state;
 * a viewer may not decide until asked; an approver decides; a save turns the approval stale;
 * outsiders and anon read nothing and hear nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { createTeamFixture, type Person, type Team } from '../support/teams.ts'
import { WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'
import {
  decideSpecReview,
  fetchReviewState,
  requestSpecReview,
  setRequiredReviewers,
  subscribeSpecReviews,
} from '../../src/client/spec-reviews.ts'

const slug = 'continue-orchestrator/plan'

describe.each(engines)('spec reviews over REST and Realtime on %s', (engine) => {
  let stack: TestStack
  let team: Team
  const clients = {} as Record<Person, OpsClient>
  let doc: { id: string; version: number; content: string }

  async function signUp(person: Person): Promise<string> {
    const client = stack.client()
    const { data, error } = await client.auth.signUp({ email: `${person}@example.com`, password: 'correct horse battery staple' })
    if (error || !data.user || !data.session) throw error ?? new Error(`no session for ${person}`)
    clients[person] = client
    return data.user.id
  }

  beforeAll(async () => {
    stack = await startTestStack(engine)
    const users = {} as Record<Person, string>
    for (const person of ['outsider', ...WORKSPACE_ROLES] as const) users[person] = await signUp(person)
    team = await createTeamFixture(stack.test.db, { users })
    const { rows } = await stack.test.db.query<{ id: string; version: number; content: string }>(
      'select id, version, content from ops.spec_docs where workspace_id = $1 and slug = $2',
      [team.workspace, slug],
    )
    doc = rows[0]
  })
  afterAll(() => stack.stop())

  it('lets a viewer read the state but not decide until asked, and an approver decide', async () => {
    expect(await fetchReviewState(clients.viewer, doc.id)).toMatchObject({ state: 'not_requested', version: 1, decisions: [] })
    await expect(decideSpecReview(clients.viewer, doc.id, 1, 'approved', '')).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('Could not approve: approving or requesting changes needs the approver role'),
    })
    await expect(requestSpecReview(clients.viewer, doc.id, 1, [team.users.approver], '')).rejects.toMatchObject({ code: '42501' })

    await requestSpecReview(clients.operator, doc.id, 1, [team.users.viewer, team.users.approver], 'Please check FR-001')
    await decideSpecReview(clients.viewer, doc.id, 1, 'changes_requested', 'Name the limit')
    expect(await fetchReviewState(clients.admin, doc.id)).toMatchObject({
      state: 'changes_requested',
      decisions: [{ reviewerId: team.users.viewer, decision: 'changes_requested', docVersion: 1, summary: 'Name the limit', stale: false }],
      requested: expect.arrayContaining([team.users.viewer, team.users.approver]),
    })
    await decideSpecReview(clients.viewer, doc.id, 1, 'approved', 'Fine now')
    await decideSpecReview(clients.approver, doc.id, 1, 'approved', '')
    expect(await fetchReviewState(clients.operator, doc.id)).toMatchObject({ state: 'approved', approvedVersion: 1 })
  })

  it('turns approvals stale after a save, and keeps them', async () => {
    const saved = await clients.operator
      .rpc('save_spec_doc', { p_workspace: team.workspace, p_slug: slug, p_content: `${doc.content}\nMore.\n`, p_expected_version: 1 })
      .single()
    expect(saved.error).toBeNull()
    const state = await fetchReviewState(clients.viewer, doc.id)
    expect(state).toMatchObject({ state: 'changed_since_approval', version: 2, approvedVersion: 1 })
    expect(state.decisions.every((decision) => decision.stale)).toBe(true)
    await expect(decideSpecReview(clients.approver, doc.id, 1, 'approved', '')).rejects.toMatchObject({ code: 'PT409' })
  })

  it('lets only admins name required reviewers', async () => {
    await expect(setRequiredReviewers(clients.approver, doc.id, [team.users.viewer])).rejects.toMatchObject({ code: '42501' })
    await setRequiredReviewers(clients.admin, doc.id, [team.users.viewer])
    expect(await fetchReviewState(clients.viewer, doc.id)).toMatchObject({ required: [team.users.viewer] })
  })

  it('shows an outsider and anon nothing', async () => {
    await expect(fetchReviewState(clients.outsider, doc.id)).rejects.toMatchObject({ code: 'PT404' })
    for (const table of ['spec_review_requests', 'spec_review_decisions', 'spec_required_reviewers'] as const) {
      expect({ table, ...(await clients.outsider.from(table).select('*')) }).toMatchObject({ table, error: null, data: [] })
      const anon = await stack.client().from(table).select('*')
      expect({ table, code: anon.error?.code }).toEqual({ table, code: '42501' })
    }
    await expect(fetchReviewState(stack.client(), doc.id)).rejects.toMatchObject({ code: '42501' })
    await expect(decideSpecReview(clients.outsider, doc.id, 2, 'approved', '')).rejects.toMatchObject({ code: '42501' })
  })

  it('tells members live when a review changes, and not an outsider', async () => {
    const heard: Record<'viewer' | 'outsider', (string | null)[]> = { viewer: [], outsider: [] }
    const stops = (['viewer', 'outsider'] as const).map((person) =>
      subscribeSpecReviews(clients[person], team.workspace, (docId) => heard[person].push(docId)),
    )
    // The member's channel is live when it reports in (null: read everything again).
    await expect.poll(() => heard.viewer.includes(null), { timeout: 20_000 }).toBe(true)
    await requestSpecReview(clients.operator, doc.id, 2, [team.users.approver], '')
    await expect.poll(() => heard.viewer.includes(doc.id), { timeout: 20_000 }).toBe(true)
    expect(heard.outsider).toEqual([])
    await Promise.all(stops.map((stop) => stop()))
  })
})
