/**
 * A run's `spec` step, executed by the real executor against the local stack, becomes a proposal on
 * its document (beside the diff artifact it always made), which people then apply or dismiss
 * through supabase-js as the plugin does. Over REST, with a team of real signed-in users:
 * operators add, rename and archive documents and apply proposals; viewers are refused with the
 * role it takes; outsiders see nothing and may touch nothing; a signed-out client reads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { addTemplate, artifactsOf, createRun, eventsOf, runExecutor, runOf } from '../support/executor.ts'

const TEMPLATE = `version: 1
kind: spec
title: Propose a task
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: text, label: Text, type: string }
steps:
  - { id: propose, title: Propose, kind: spec, with: { doc: continue-orchestrator/tasks, append: "\${{ inputs.text }}" } }
`

async function join(admin: OpsClient, member: OpsClient, workspace: string, role: string): Promise<void> {
  const { data, error } = await admin.rpc('create_invite', { p_workspace: workspace, p_role: role })
  if (error) throw new Error(`inviting: ${error.message}`)
  const accepted = await member.rpc('accept_invite', { p_code: data[0].code })
  if (accepted.error) throw new Error(`joining: ${accepted.error.message}`)
}

describe.each(engines)('spec proposals from runs, over REST, on %s', (engine) => {
  let stack: TestStack
  let admin: OpsClient
  let operator: OpsClient
  let operatorId: string
  let viewer: OpsClient
  let outsider: OpsClient
  let anon: OpsClient
  let workspace: string

  beforeAll(async () => {
    stack = await startTestStack(engine)
    ;({ client: admin } = await stack.anonymousUser())
    ;({ client: operator, userId: operatorId } = await stack.anonymousUser())
    ;({ client: viewer } = await stack.anonymousUser())
    ;({ client: outsider } = await stack.anonymousUser())
    anon = stack.client()
    const { data, error } = await admin.rpc('create_workspace', { p_name: 'Spec team' })
    if (error) throw new Error(`creating the workspace: ${error.message}`)
    workspace = data.id
    await join(admin, operator, workspace, 'operator')
    await join(admin, viewer, workspace, 'viewer')
    await addTemplate(stack, 'propose-task', TEMPLATE, workspace)
  })
  afterAll(() => stack.stop())

  async function tasksDoc(client: OpsClient = admin) {
    const { data } = await client
      .from('spec_docs')
      .select('*')
      .eq('workspace_id', workspace)
      .eq('slug', 'continue-orchestrator/tasks')
      .single()
      .throwOnError()
    return data
  }

  async function proposeFromRun(text: string) {
    const runId = await createRun(operator, { workspace, template: 'propose-task', inputs: { env: 'staging', text } })
    await runExecutor(stack, runId)
    expect(await runOf(admin, runId)).toMatchObject({ status: 'success' })
    return runId
  }

  it('records the spec step’s proposal on its document, beside the diff artifact, with the base version', async () => {
    const before = await tasksDoc()
    const runId = await proposeFromRun('- [ ] T900 Review the checkout alerts')
    const { data: proposals } = await viewer.from('spec_proposals').select('*').eq('run_id', runId).throwOnError()
    expect(proposals).toEqual([
      expect.objectContaining({
        workspace_id: workspace,
        doc_id: before.id,
        step_id: 'propose',
        base_version: before.version,
        status: 'open',
        proposed_content: `${before.content}- [ ] T900 Review the checkout alerts\n`,
        change: { append: '- [ ] T900 Review the checkout alerts' },
        decided_by: null,
      }),
    ])
    const [artifact] = await artifactsOf(admin, runId)
    expect(artifact).toMatchObject({ kind: 'diff', title: 'Proposed change to tasks.md' })
    expect(proposals[0].diff).toBe(artifact.content)
    // The log line names the proposal, so the run page can link to it.
    const line = (await eventsOf(admin, runId)).find((e) => e.step_id === 'propose' && e.message.startsWith('Proposed a change'))
    expect(line?.data).toMatchObject({ proposal_id: proposals[0].id, doc: 'continue-orchestrator/tasks' })
    // The document itself is unchanged until someone applies it.
    expect((await tasksDoc()).version).toBe(before.version)
  })

  it('applies a proposal as a new revision by the person, credited to the run; viewers and outsiders cannot', async () => {
    const runId = await proposeFromRun('- [ ] T901 Apply me')
    const { data: proposal } = await admin.from('spec_proposals').select('*').eq('run_id', runId).single().throwOnError()
    const before = await tasksDoc()

    const refusedViewer = await viewer.rpc('apply_spec_proposal', { p_id: proposal.id })
    expect(refusedViewer.error).toMatchObject({
      code: '42501',
      message: 'applying proposed changes needs the operator role (or higher) in this workspace; you are viewer',
    })
    expect(refusedViewer.status).toBe(403)
    const refusedOutsider = await outsider.rpc('apply_spec_proposal', { p_id: proposal.id })
    expect(refusedOutsider.error).toMatchObject({ code: 'PT404', message: `spec proposal ${proposal.id} does not exist` })
    expect((await anon.rpc('apply_spec_proposal', { p_id: proposal.id })).error).not.toBeNull()

    const { data: applied } = await operator.rpc('apply_spec_proposal', { p_id: proposal.id }).throwOnError()
    expect(applied).toMatchObject({ status: 'applied', decided_by: operatorId, applied_version: before.version + 1 })
    const after = await tasksDoc(viewer)
    expect(after).toMatchObject({ version: before.version + 1, updated_by: operatorId, from_run_id: runId })
    expect(after.content).toBe(`${before.content}- [ ] T901 Apply me\n`)
  })

  it('refuses a proposal whose change the document already has, and dismisses it', async () => {
    const runId = await proposeFromRun('- [ ] T902 Stale')
    const { data: proposal } = await admin.from('spec_proposals').select('*').eq('run_id', runId).single().throwOnError()
    // Someone adds the same line by hand before the proposal is applied.
    const doc = await tasksDoc()
    await admin
      .rpc('save_spec_doc', {
        p_workspace: workspace,
        p_slug: doc.slug,
        p_content: `${doc.content}- [ ] T902 Stale\n`,
        p_expected_version: doc.version,
      })
      .throwOnError()
    const refused = await operator.rpc('apply_spec_proposal', { p_id: proposal.id })
    expect(refused.error).toMatchObject({
      code: 'PT409',
      message: `tasks.md already contains this change (version ${doc.version + 1}); dismiss the proposal`,
    })
    expect(refused.status).toBe(409)
    expect((await viewer.rpc('dismiss_spec_proposal', { p_id: proposal.id })).error?.code).toBe('42501')
    const { data: dismissed } = await operator.rpc('dismiss_spec_proposal', { p_id: proposal.id }).throwOnError()
    expect(dismissed).toMatchObject({ status: 'dismissed', decided_by: operatorId })
  })

  it('lets operators add, rename and archive documents over REST; refuses viewers, outsiders and anon', async () => {
    const { data: made } = await operator
      .rpc('create_spec_doc', { p_workspace_id: workspace, p_kind: 'spec', p_title: 'Checkout spec' })
      .throwOnError()
    expect(made).toMatchObject({ slug: 'checkout-spec', kind: 'spec', title: 'Checkout spec', version: 1 })
    expect(made.content).toContain('- **FR-001**: System MUST')

    const viewerTries = await Promise.all([
      viewer.rpc('create_spec_doc', { p_workspace_id: workspace, p_kind: 'plan', p_title: 'Mine' }),
      viewer.rpc('rename_spec_doc', { p_doc_id: made.id, p_title: 'Mine' }),
      viewer.rpc('archive_spec_doc', { p_doc_id: made.id, p_archived: true }),
    ])
    expect(viewerTries.map((t) => [t.status, t.error?.code])).toEqual([
      [403, '42501'],
      [403, '42501'],
      [403, '42501'],
    ])
    const outsiderTries = await Promise.all([
      outsider.rpc('create_spec_doc', { p_workspace_id: workspace, p_kind: 'plan', p_title: 'Mine' }),
      outsider.rpc('rename_spec_doc', { p_doc_id: made.id, p_title: 'Mine' }),
      outsider.rpc('archive_spec_doc', { p_doc_id: made.id, p_archived: true }),
    ])
    expect(outsiderTries.map((t) => t.error?.code)).toEqual(['42501', 'PT404', 'PT404'])
    const anonTries = await Promise.all([
      anon.rpc('create_spec_doc', { p_workspace_id: workspace, p_kind: 'plan', p_title: 'Mine' }),
      anon.from('spec_docs').select('id').eq('workspace_id', workspace),
      anon.from('spec_proposals').select('id'),
    ])
    expect(anonTries.every((t) => t.error !== null)).toBe(true)
    expect((await outsider.from('spec_docs').select('id').eq('workspace_id', workspace)).data).toEqual([])
    expect((await outsider.from('spec_proposals').select('id')).data).toEqual([])

    const { data: renamed } = await operator.rpc('rename_spec_doc', { p_doc_id: made.id, p_title: 'Checkout PRD' }).throwOnError()
    expect(renamed).toMatchObject({ slug: 'checkout-spec', title: 'Checkout PRD', version: 2 })
    const { data: archived } = await operator.rpc('archive_spec_doc', { p_doc_id: made.id, p_archived: true }).throwOnError()
    expect(archived.archived_at).not.toBeNull()
    const badTitle = await operator.rpc('rename_spec_doc', { p_doc_id: made.id, p_title: 'x'.repeat(300) })
    expect(badTitle).toMatchObject({
      status: 400,
      error: { code: '22023', message: 'a document title holds at most 200 characters; this one has 300' },
    })
    // A plain update cannot archive, restore or re-kind a document.
    const direct = await admin.from('spec_docs').update({ archived_at: null }).eq('id', made.id)
    expect(direct.error?.code).toBe('42501')
  })
})
