/**
 * Team workspaces made and joined over REST with supabase-js, the way people do it: the admin
 * creates the workspace and an invite, the other person accepts the invite's code. The local stack
 * lets anonymous users create workspaces (deployment_settings.anonymous_may_create_workspaces).
 */
import type { CurrentWorkspace } from '../../src/client/current-workspace.ts'
import type { OpsClient } from './stack.ts'

export type InvitedRole = 'viewer' | 'operator' | 'approver' | 'admin'

/** Creates a team workspace whose admin is the signed-in user of `admin`; returns its id. */
export async function createTeamWorkspace(admin: OpsClient, name: string): Promise<string> {
  const { data, error } = await admin.rpc('create_workspace', { p_name: name })
  if (error) throw new Error(`creating workspace "${name}": ${error.message}`)
  return data.id
}

/** `admin` invites `member` into the workspace with `role`, and `member` accepts. */
export async function joinWorkspace(admin: OpsClient, member: OpsClient, workspaceId: string, role: InvitedRole): Promise<void> {
  const invite = await admin.rpc('create_invite', { p_workspace: workspaceId, p_role: role })
  if (invite.error) throw new Error(`inviting a ${role}: ${invite.error.message}`)
  const [{ code }] = invite.data
  const accepted = await member.rpc('accept_invite', { p_code: code })
  if (accepted.error) throw new Error(`accepting the invite as a ${role}: ${accepted.error.message}`)
}

/** A current workspace fixed to one id: what a workspace switcher would hand the API. */
export function fixedWorkspace(workspaceId: string): CurrentWorkspace {
  return { id: () => Promise.resolve(workspaceId) }
}
