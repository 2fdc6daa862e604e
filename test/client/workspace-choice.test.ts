/**
 * The workspace switcher's source and the team calls, with supabase-js against the local stack:
 * the choice is remembered per person and dropped once they are no longer a member; the members
 * panel's calls refuse non-admins in the server's words; outsiders get nothing about a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rememberedWorkspace, type ChoiceStore } from '../../src/client/workspace-choice.ts'
import { createTeamApi } from '../../src/client/team-api.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { createTeamWorkspace, joinWorkspace } from '../support/team-workspace.ts'

function mapStore(): ChoiceStore & { values: Map<string, string> } {
  const values = new Map<string, string>()
  return {
    values,
    getItem: (key) => Promise.resolve(values.get(key) ?? null),
    setItem: (key, value) => Promise.resolve(void values.set(key, value)),
  }
}

describe('the current workspace and the team calls over REST', () => {
  let stack: TestStack
  let admin: { client: OpsClient; userId: string }
  let member: { client: OpsClient; userId: string }
  let outsider: { client: OpsClient; userId: string }
  let team: string

  beforeAll(async () => {
    stack = await startTestStack('pglite')
    admin = await stack.anonymousUser()
    member = await stack.anonymousUser()
    outsider = await stack.anonymousUser()
    team = await createTeamWorkspace(admin.client, 'Ops')
    await joinWorkspace(admin.client, member.client, team, 'viewer')
  }, 240_000)
  afterAll(() => stack?.stop())

  it('opens the personal workspace until a choice, then the choice, also in a new session of the same person', async () => {
    const store = mapStore()
    const personal = (await member.client.rpc('ensure_personal_workspace').throwOnError()).data
    const choice = rememberedWorkspace(member.client, store)
    expect(await choice.id()).toBe(personal)
    const heard: string[] = []
    choice.subscribe((id) => heard.push(id))
    await choice.choose(team)
    expect({ now: await choice.id(), heard }).toEqual({ now: team, heard: [team] })
    // The plugin opened again: the remembered choice.
    expect(await rememberedWorkspace(member.client, store).id()).toBe(team)
  })

  it('forgets a remembered workspace the person no longer belongs to', async () => {
    const store = mapStore()
    await rememberedWorkspace(member.client, store).choose(team)
    await createTeamApi(admin.client).removeMember(team, member.userId)
    const personal = (await member.client.rpc('ensure_personal_workspace').throwOnError()).data
    expect(await rememberedWorkspace(member.client, store).id()).toBe(personal)
    // And another person's remembered choice is theirs alone.
    expect(await rememberedWorkspace(outsider.client, store).id()).not.toBe(team)
    await joinWorkspace(admin.client, member.client, team, 'viewer')
  })

  it('lists a person’s workspaces with their role, personal first', async () => {
    const mine = await createTeamApi(member.client).listWorkspaces()
    expect(mine.map(({ name, personal, role }) => ({ name, personal, role }))).toEqual([
      { name: 'Personal', personal: true, role: 'admin' },
      { name: 'Ops', personal: false, role: 'viewer' },
    ])
  })

  it('refuses the members panel’s changes to a viewer, in the server’s words', async () => {
    const api = createTeamApi(member.client)
    await expect(api.createInvite(team, 'admin')).rejects.toThrow(
      'Could not invite a new admin: inviting people needs the admin role (or higher) in this workspace; you are viewer',
    )
    await expect(api.setMemberRole(team, member.userId, 'admin')).rejects.toThrow(/changing roles needs the admin role/)
    await expect(api.removeMember(team, admin.userId)).rejects.toThrow(/removing a member needs the admin role/)
  })

  it('gives an outsider nothing about a run of the team, and hostile codes a clear refusal', async () => {
    const { data: run } = await admin.client
      .from('runs')
      .insert({ workspace_id: team, template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'x', inputs: {} })
      .select('*')
      .single()
      .throwOnError()
    await expect(createTeamApi(outsider.client).approvalBaseline(run.id)).rejects.toThrow(`run ${run.id} does not exist`)
    const people = await createTeamApi(outsider.client).listMembers(team)
    expect(people).toEqual([])
    const api = createTeamApi(outsider.client)
    await expect(api.joinWithCode('x'.repeat(10_000))).rejects.toThrow('That is not an invite code')
    await expect(api.joinWithCode('ocr-${{ secrets.GITHUB_TOKEN }}')).rejects.toThrow('this invite code is not valid')
    expect(await createTeamApi(member.client).approvalBaseline(run.id)).toMatchObject({ revision: 1, baseline: null })
  })
})
