/**
 * Spec comments as the plugin meets them: supabase-js over REST and Realtime against the local
 * stack, each person signed in through Auth. Members read and write and hear changes live;
 * outsiders read nothing and are refused the workspace's spec topic; anon reads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { createTeamFixture, type Person, type Team } from '../support/teams.ts'
import { WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'
import {
  addSpecComment,
  editSpecComment,
  listSpecComments,
  setSpecThreadResolved,
  subscribeSpecComments,
  type SpecCommentChange,
} from '../../src/client/spec-comments.ts'
import { waitFor } from '../local/realtime/harness.ts'

describe.each(engines)('spec comments over REST and Realtime on %s', (engine) => {
  let stack: TestStack
  let team: Team
  let doc: string
  const clients = {} as Record<Person, OpsClient>

  beforeAll(async () => {
    stack = await startTestStack(engine)
    const users = {} as Record<Person, string>
    for (const person of ['outsider', ...WORKSPACE_ROLES] as const) {
      const client = stack.client()
      const { data, error } = await client.auth.signUp({ email: `${person}@example.com`, password: 'correct horse battery staple' })
      if (error || !data.user) throw error ?? new Error(`no user for ${person}`)
      clients[person] = client
      users[person] = data.user.id
    }
    team = await createTeamFixture(stack.test.db, { users })
    const { rows } = await stack.test.db.query<{ id: string }>(
      "select id from ops.spec_docs where workspace_id = $1 and slug like '%/prd'",
      [team.workspace],
    )
    doc = rows[0].id
  })
  afterAll(() => stack.stop())

  it('lets a viewer comment, reply, resolve and edit their own; members read it, outsiders and anon nothing', async () => {
    const root = await addSpecComment(clients.viewer, {
      docId: doc,
      docVersion: 1,
      body: 'Budget?',
      anchorKey: 'FR-003',
      anchorText: 'text',
    })
    const reply = await addSpecComment(clients.admin, {
      docId: doc,
      docVersion: 1,
      body: '@viewer yes',
      threadId: root.id,
      mentions: [team.users.viewer],
    })
    await setSpecThreadResolved(clients.operator, root.id, true)
    await editSpecComment(clients.viewer, root.id, 'Budget: 200 ms?', [])

    const seen = await listSpecComments(clients.approver, doc)
    expect(seen.map((c) => [c.body, c.thread_id, c.resolved_by])).toEqual([
      ['Budget: 200 ms?', null, team.users.operator],
      ['@viewer yes', root.id, null],
    ])
    expect(seen[1]).toMatchObject({ id: reply.id, mentions: [team.users.viewer] })

    expect(await listSpecComments(clients.outsider, doc)).toEqual([])
    const anon = await stack.client().from('spec_comments').select('id').eq('doc_id', doc)
    expect(anon.data ?? []).toEqual([])
    expect(anon.error?.code).toBe('42501')

    await expect(editSpecComment(clients.admin, root.id, 'not mine', [])).rejects.toThrow(
      'Could not save the edit: only its author edits a comment',
    )
    await expect(addSpecComment(clients.outsider, { docId: doc, docVersion: 1, body: 'let me in' })).rejects.toThrow(
      `Could not add the comment: spec doc ${doc} does not exist in your workspaces`,
    )
    await expect(
      addSpecComment(clients.viewer, { docId: doc, docVersion: 1, body: 'hi', mentions: [team.users.outsider] }),
    ).rejects.toThrow('you can only mention members of this workspace')
    const direct = await clients.admin
      .from('spec_comments')
      .insert({ workspace_id: team.workspace, doc_id: doc, doc_version: 1, body: 'x' })
    expect(direct.error?.code).toBe('42501')
  })

  it('delivers a member’s comment live to the other members and refuses an outsider the topic', async () => {
    const heard: SpecCommentChange[] = []
    const theirs: SpecCommentChange[] = []
    const stopViewer = subscribeSpecComments(clients.viewer, team.workspace, (change) => heard.push(change))
    const stopOutsider = subscribeSpecComments(clients.outsider, team.workspace, (change) => theirs.push(change))
    await waitFor(() => heard.some((c) => c.type === 'live' && c.live), 'the viewer joins')
    await waitFor(() => theirs.some((c) => c.type === 'live' && !c.live), 'the outsider is refused')

    const added = await addSpecComment(clients.approver, { docId: doc, docVersion: 1, body: 'Live one', anchorKey: 'FR-001' })
    await waitFor(() => heard.some((c) => c.type === 'comment' && c.comment.id === added.id), 'the comment, live')
    expect(heard.find((c) => c.type === 'comment')).toMatchObject({
      comment: { body: 'Live one', anchor_key: 'FR-001', created_at: added.created_at },
    })
    expect(theirs.filter((c) => c.type !== 'live')).toEqual([])
    stopViewer()
    stopOutsider()
  })
})
