/**
 * The signed-in person's workspaces, with their role and name in each, and the names of a
 * workspace's members: what the window needs to list a team's runs with who started them and to
 * say who may act. Read over REST as the person (RLS: members read their workspaces' members).
 */
import { createOpsApi } from '../../../src/client/api.ts'
import { postgrestError } from '../../../src/client/errors.ts'
import type { OpsClient } from '../../../src/client/supabase.ts'
import type { OpsApi, RunRow } from '../../../src/client/types.ts'

export interface MyWorkspace {
  id: string
  name: string
  personal: boolean
  role: string
  /** How the workspace names me. */
  myName: string
}

export async function myWorkspaces(client: OpsClient): Promise<MyWorkspace[]> {
  const { data: session } = await client.auth.getSession()
  const userId = session.session?.user.id
  if (!userId) throw new Error('sign in to see your workspaces')
  const members = await client.from('workspace_members').select('workspace_id, role, display_name').eq('user_id', userId)
  if (members.error) throw postgrestError('Could not list your workspaces', members.error, members.status)
  if (members.data.length === 0) return []
  const ids = members.data.map((member) => member.workspace_id)
  const workspaces = await client.from('workspaces').select('id, name, personal_for').in('id', ids)
  if (workspaces.error) throw postgrestError('Could not list your workspaces', workspaces.error, workspaces.status)
  const byId = new Map(workspaces.data.map((workspace) => [workspace.id, workspace]))
  return (
    members.data
      .flatMap((member) => {
        const workspace = byId.get(member.workspace_id)
        if (!workspace) return []
        return [
          {
            id: workspace.id,
            name: workspace.name,
            personal: workspace.personal_for !== null,
            role: member.role,
            myName: member.display_name,
          },
        ]
      })
      // Teams first (where teammates' runs are), then the personal workspace.
      .sort((a, b) => Number(a.personal) - Number(b.personal) || a.name.localeCompare(b.name))
  )
}

/** user id → display name, for the members of one workspace. */
async function memberNames(client: OpsClient, workspaceId: string): Promise<Map<string, string>> {
  const { data, error, status } = await client.from('workspace_members').select('user_id, display_name').eq('workspace_id', workspaceId)
  if (error) throw postgrestError('Could not read the workspace’s members', error, status)
  return new Map(data.map((member) => [member.user_id, member.display_name]))
}

/** The ops API reading and starting in one given workspace (the window's choice, not the plugin's current one). */
export function apiIn(client: OpsClient, workspaceId: string): OpsApi {
  return createOpsApi(client, { id: () => Promise.resolve(workspaceId) })
}

/** A workspace's recent runs, everyone's, with their starters' names (the picker lists them). */
export async function workspaceRuns(client: OpsClient, workspaceId: string): Promise<{ runs: RunRow[]; names: Map<string, string> }> {
  const [runs, names] = await Promise.all([apiIn(client, workspaceId).listRuns({ limit: 100 }), memberNames(client, workspaceId)])
  return { runs, names }
}
