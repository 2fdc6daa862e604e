/**
 * The key cells of the team permission matrix (test/db/teams-permissions.test.ts) as the plugin
 * meets them: supabase-js over REST against the local stack, each person signed in through Auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../support/databases.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { createTeamFixture, saveTemplate, startRun, templateYaml, type Person, type Team } from '../support/teams.ts'
import { WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'

describe.each(engines)('team permissions over REST on %s', (engine) => {
  let stack: TestStack
  let team: Team
  const clients = {} as Record<Person, OpsClient>
  let run: string
  const genuine = templateYaml('W deploy')

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
    await saveTemplate(team, 'admin', team.workspace, 'w-deploy', genuine)
    run = await startRun(stack.test.db, team.workspace, team.users.operator, { title: 'W run' })
  })
  afterAll(() => stack.stop())

  it('shows a viewer the runs and templates of W', async () => {
    const runs = await clients.viewer.from('runs').select('id').eq('workspace_id', team.workspace)
    expect(runs).toMatchObject({ error: null, data: [{ id: run }] })
    const templates = await clients.viewer.from('run_templates').select('slug').eq('workspace_id', team.workspace).eq('slug', 'w-deploy')
    expect(templates).toMatchObject({ error: null, data: [{ slug: 'w-deploy' }] })
  })

  it('shows an outsider no run and no template of W', async () => {
    const runs = await clients.outsider.from('runs').select('id').eq('workspace_id', team.workspace)
    expect(runs).toMatchObject({ error: null, data: [] })
    const byId = await clients.outsider.from('runs').select('id').eq('id', run)
    expect(byId).toMatchObject({ error: null, data: [] })
    const templates = await clients.outsider.from('run_templates').select('slug').eq('workspace_id', team.workspace)
    expect(templates).toMatchObject({ error: null, data: [] })
  })

  it('refuses a viewer who starts a run in W with 403, and lets an operator', async () => {
    const refused = await clients.viewer.from('runs').insert({ workspace_id: team.workspace, title: 'by a viewer' }).select('id')
    expect({ status: refused.status, code: refused.error?.code }).toEqual({ status: 403, code: '42501' })
    const started = await clients.operator
      .from('runs')
      .insert({ workspace_id: team.workspace, title: 'by an operator' })
      .select('workspace_id')
    expect(started).toMatchObject({ error: null, status: 201, data: [{ workspace_id: team.workspace }] })
  })

  it('refuses an operator who edits a template row directly, and keeps its text', async () => {
    const edit = await clients.operator.from('run_templates').update({ template_yaml: 'poisoned' }).eq('slug', 'w-deploy').select('slug')
    // Refused outright, or no row the operator may change: either way, nothing changes.
    expect(edit.error ? edit.error.code : edit.data).toEqual(edit.error ? '42501' : [])
    const { rows } = await stack.test.db.query(
      "select template_yaml from ops.run_templates where workspace_id = $1 and slug = 'w-deploy'",
      [team.workspace],
    )
    expect(rows).toEqual([{ template_yaml: genuine }])
  })

  it('lets a guest of the local stack create a team workspace and become its admin', async () => {
    const guest = await stack.anonymousUser()
    const { data, error } = await guest.client.rpc('create_workspace', { p_name: 'Guests' })
    expect({ error, name: data?.name }).toEqual({ error: null, name: 'Guests' })
    const members = await guest.client.from('workspace_members').select('user_id, role').eq('workspace_id', data!.id)
    expect(members).toMatchObject({ error: null, data: [{ user_id: guest.userId, role: 'admin' }] })
  })

  it('refuses a request without a session', async () => {
    const anon = stack.client()
    const runs = await anon.from('runs').select('id')
    expect(runs.error?.code).toBe('42501')
    const templates = await anon.from('run_templates').select('slug')
    expect(templates.error?.code).toBe('42501')
    const created = await anon.rpc('create_workspace', { p_name: 'Anonymous' })
    expect(created.error?.code).toBe('42501')
  })
})
