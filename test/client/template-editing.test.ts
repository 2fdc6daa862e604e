/**
 * The template editor's and the Audit tab's calls (src/client/template-editing.ts and
 * workspace-governance.ts) as each person meets them: supabase-js over REST against the local
 * stack, everyone signed in through Auth, the current workspace W (what a switcher would hand them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTemplateEditing, type TemplateEditing } from '../../src/client/template-editing.ts'
import { createWorkspaceGovernance, type WorkspaceGovernance } from '../../src/client/workspace-governance.ts'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { fixedWorkspace } from '../support/team-workspace.ts'
import { createTeamFixture, templateYaml, type Person, type Team } from '../support/teams.ts'
import { WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'

const PEOPLE = ['outsider', ...WORKSPACE_ROLES] as const

describe.each(engines)('template editing and governance over REST on %s', (engine) => {
  let stack: TestStack
  let team: Team
  const templates = {} as Record<Person, TemplateEditing>
  const governance = {} as Record<Person, WorkspaceGovernance>

  beforeAll(async () => {
    stack = await startTestStack(engine)
    const users = {} as Record<Person, string>
    const clients = {} as Record<Person, OpsClient>
    for (const person of PEOPLE) {
      const client = stack.client()
      const { data, error } = await client.auth.signUp({ email: `${person}@example.com`, password: 'correct horse battery staple' })
      if (error || !data.user) throw error ?? new Error(`no user for ${person}`)
      users[person] = data.user.id
      clients[person] = client
    }
    team = await createTeamFixture(stack.test.db, { users })
    for (const person of PEOPLE) {
      templates[person] = createTemplateEditing(clients[person], fixedWorkspace(team.workspace))
      governance[person] = createWorkspaceGovernance(clients[person], fixedWorkspace(team.workspace))
    }
    await stack
      .client(stack.serviceRoleKey)
      .rpc('bind_secret', { p_name: 'GITHUB_TOKEN', p_workspace: team.workspace, p_hosts: ['api.github.com'] })
      .throwOnError()
  })
  afterAll(() => stack.stop())

  const save = (person: Person, yaml: string, expectedVersion: number | null) =>
    templates[person].saveTemplate({ slug: 'w-edit', yaml, title: 'W edit', description: '', kind: 'custom', expectedVersion })

  it('lets an admin create and edit a template, each save a revision with its author', async () => {
    const created = await save('admin', templateYaml('W edit'), null)
    expect(created).toMatchObject({ slug: 'w-edit', version: 1 })
    const edited = await save('admin', templateYaml('W edit', '# second\n'), 1)
    expect(edited).toMatchObject({ version: 2 })
    const revisions = await templates.viewer.listRevisions('w-edit')
    expect(revisions.map((revision) => [revision.revision, revision.saved_by])).toEqual([
      [2, team.users.admin],
      [1, team.users.admin],
    ])
  })

  it('returns a stale save as a conflict with both texts, and saves nothing', async () => {
    const latest = await templates.admin.getTemplate('w-edit')
    const conflict = await save('admin', 'version: 1 # mine', latest!.version - 1)
    expect(conflict).toMatchObject({ kind: 'conflict', mine: 'version: 1 # mine', theirs: { version: latest!.version } })
    expect('message' in conflict && conflict.message).toMatch(/changed by someone else/)
    expect((await templates.admin.getTemplate('w-edit'))!.template_yaml).toBe(latest!.template_yaml)
  })

  it.each(['viewer', 'operator', 'approver'] as const)('refuses a %s who saves a template, naming the role needed', async (person) => {
    await expect(save(person, templateYaml('by a non-admin'), 2)).rejects.toThrow(new RegExp(`needs the admin role .*; you are ${person}$`))
  })

  it('refuses an outsider who saves into W, and shows them nothing of it', async () => {
    await expect(save('outsider', templateYaml('by an outsider'), 2)).rejects.toThrow(/not a member/)
    expect(await templates.outsider.listRevisions('w-edit')).toEqual([])
    expect(await templates.outsider.getTemplate('w-edit')).toBeNull()
    expect(await governance.outsider.myRole()).toBeNull()
    expect(await governance.outsider.listAudit()).toEqual([])
    expect(await governance.outsider.listEnvironments()).toEqual([])
    expect(await governance.outsider.listSecretBindings()).toEqual([])
  })

  it('lets an admin set an environment and refuses everyone else', async () => {
    const settings = { protected: true, requiredApprovals: 2, preventSelfReview: true }
    expect(await governance.admin.setEnvironment('production', settings)).toMatchObject({ name: 'production', required_approvals: 2 })
    for (const person of ['viewer', 'operator', 'approver'] as const) {
      await expect(governance[person].setEnvironment('production', { ...settings, protected: false })).rejects.toThrow(
        /needs the admin role/,
      )
    }
    await expect(governance.outsider.setEnvironment('production', { ...settings, protected: false })).rejects.toThrow(/not a member/)
    await expect(governance.admin.setEnvironment('production', { ...settings, requiredApprovals: 11 })).rejects.toThrow(/1 to 10/)
    expect((await governance.viewer.listEnvironments()).map((row) => [row.name, row.protected, row.required_approvals])).toEqual([
      ['production', true, 2],
    ])
  })

  it('shows secret bindings, names and hosts only, to admins alone', async () => {
    expect(await governance.admin.listSecretBindings()).toEqual([
      { id: expect.any(String), name: 'GITHUB_TOKEN', hosts: ['api.github.com'], environments: null, updated_at: expect.any(String) },
    ])
    for (const person of ['viewer', 'operator', 'approver'] as const) expect(await governance[person].listSecretBindings()).toEqual([])
  })

  it('gives every member the audit trail, by kind and by person', async () => {
    expect(await governance.viewer.myRole()).toBe('viewer')
    const all = await governance.viewer.listAudit()
    expect(all.map((row) => row.action)).toEqual(expect.arrayContaining(['template.save', 'environment.set', 'secret.bind', 'member.join']))
    const templateEntries = await governance.operator.listAudit({ kind: 'template' })
    expect(new Set(templateEntries.map((row) => row.action))).toEqual(new Set(['template.save']))
    const byAdmin = await governance.approver.listAudit({ actor: team.users.admin })
    expect(byAdmin.length).toBeGreaterThan(0)
    expect(new Set(byAdmin.map((row) => row.actor))).toEqual(new Set([team.users.admin]))
    const names = await governance.viewer.memberNames()
    expect(names.get(team.users.admin)).toBeTruthy()
  })

  it('refuses a kind that is not one, before it reaches a like pattern', async () => {
    await expect(governance.viewer.listAudit({ kind: '%' })).rejects.toThrow(/not a kind of audit entry/)
  })
})
