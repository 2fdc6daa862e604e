/**
 * The team through supabase-js: the workspaces the signed-in person belongs to, their members,
 * invites, and who did what to a run. Row-level security and the SQL functions of the teams
 * migration decide; every refusal comes back as an OpsApiError that says what failed and why.
 */
import type { OpsClient } from './supabase.ts'
import { postgrestError } from './errors.ts'
import type { RunRow } from './types.ts'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import type { WorkspaceRole } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { WORKSPACE_ROLES } from '../../supabase/functions/_shared/vocabulary/index.ts'

type Tables = Database['ops']['Tables']
export type WorkspaceMemberRow = Tables['workspace_members']['Row']

/** A workspace the signed-in person belongs to, with their role in it. */
export interface MyWorkspace {
  id: string
  name: string
  /** Their own personal workspace (nobody else is ever in it). */
  personal: boolean
  role: WorkspaceRole
}

/** A new invite: the code is shown once, to the admin who made it. */
export interface NewInvite {
  code: string
  role: WorkspaceRole
  expiresAt: string
}

/** A decision on one of the run's approval steps, by name. */
interface RunDecision {
  by: string
  decision: 'approved' | 'rejected'
  comment: string | null
  at: string
}

/** Who started, decided and canceled a run, by the names the workspace knows them by. */
export interface RunPeople {
  startedBy: string
  decisions: RunDecision[]
  canceledBy: string | null
}

/** What a waiting run will run, and what ran the last time a run of its template was approved. */
export interface ApprovalBaseline {
  revision: number | null
  yaml: string | null
  /** Null when no earlier run of the template was approved. */
  baseline: { runId: string; revision: number | null; yaml: string | null; approvedAt: string | null } | null
}

/** The name of someone who is no longer a member (their runs stay). */
export const FORMER_MEMBER = 'a former member'

export interface TeamApi {
  /** The signed-in person's workspaces: their personal one first, then by name. */
  listWorkspaces(): Promise<MyWorkspace[]>
  createWorkspace(name: string): Promise<string>
  /** Joins the workspace of an invite code; returns its id. */
  joinWithCode(code: string): Promise<string>
  /** Members of a workspace, by name. */
  listMembers(workspaceId: string): Promise<WorkspaceMemberRow[]>
  createInvite(workspaceId: string, role: WorkspaceRole, validHours?: number): Promise<NewInvite>
  setMemberRole(workspaceId: string, userId: string, role: WorkspaceRole): Promise<void>
  removeMember(workspaceId: string, userId: string): Promise<void>
  runPeople(run: RunRow): Promise<RunPeople>
  approvalBaseline(runId: string): Promise<ApprovalBaseline>
}

function isRole(value: string): value is WorkspaceRole {
  return (WORKSPACE_ROLES as readonly string[]).includes(value)
}

export function createTeamApi(client: OpsClient): TeamApi {
  async function myId(): Promise<string> {
    const { data } = await client.auth.getSession()
    const id = data.session?.user.id
    if (id === undefined) throw new Error('Sign in first: workspaces belong to signed-in people')
    return id
  }

  async function names(workspaceId: string): Promise<Map<string, string>> {
    const { data, error, status } = await client.from('workspace_members').select('user_id, display_name').eq('workspace_id', workspaceId)
    if (error) throw postgrestError('Could not read the names of the workspace’s members', error, status)
    return new Map(data.map((member) => [member.user_id, member.display_name]))
  }

  return {
    async listWorkspaces() {
      const me = await myId()
      const memberships = await client.from('workspace_members').select('workspace_id, role').eq('user_id', me)
      if (memberships.error) throw postgrestError('Could not list your workspaces', memberships.error, memberships.status)
      const ids = memberships.data.map((m) => m.workspace_id)
      if (ids.length === 0) return []
      const workspaces = await client.from('workspaces').select('id, name, personal_for').in('id', ids)
      if (workspaces.error) throw postgrestError('Could not list your workspaces', workspaces.error, workspaces.status)
      const roles = new Map(memberships.data.map((m) => [m.workspace_id, m.role]))
      return workspaces.data
        .map((w) => ({ id: w.id, name: w.name, personal: w.personal_for === me, role: roles.get(w.id) ?? 'viewer' }))
        .filter((w): w is MyWorkspace => isRole(w.role))
        .sort((a, b) => (a.personal !== b.personal ? (a.personal ? -1 : 1) : a.name.localeCompare(b.name)))
    },

    async createWorkspace(name) {
      const trimmed = name.trim()
      if (trimmed === '' || trimmed.length > 100) throw new Error('A workspace name is 1 to 100 characters')
      const { data, error, status } = await client.rpc('create_workspace', { p_name: trimmed })
      if (error) throw postgrestError(`Could not create the workspace “${trimmed}”`, error, status)
      return data.id
    },

    async joinWithCode(code) {
      const trimmed = code.trim()
      if (trimmed === '') throw new Error('Paste the invite code you were given')
      if (trimmed.length > 200) throw new Error('That is not an invite code: codes are short (ocr- and 32 letters and digits)')
      const { data, error, status } = await client.rpc('accept_invite', { p_code: trimmed })
      if (error) throw postgrestError('Could not join with this code', error, status)
      return data.workspace_id
    },

    async listMembers(workspaceId) {
      const { data, error, status } = await client
        .from('workspace_members')
        .select('*')
        .eq('workspace_id', workspaceId)
        .order('display_name')
      if (error) throw postgrestError('Could not list the members', error, status)
      return data
    },

    async createInvite(workspaceId, role, validHours = 72) {
      const { data, error, status } = await client.rpc('create_invite', {
        p_workspace: workspaceId,
        p_role: role,
        p_valid_hours: validHours,
      })
      if (error) throw postgrestError(`Could not invite a new ${role}`, error, status)
      const [invite] = data
      if (invite === undefined || !isRole(invite.role)) throw new Error('The server made no invite; try again')
      return { code: invite.code, role: invite.role, expiresAt: invite.expires_at }
    },

    async setMemberRole(workspaceId, userId, role) {
      const { error, status } = await client.rpc('set_member_role', { p_workspace: workspaceId, p_user: userId, p_role: role })
      if (error) throw postgrestError(`Could not make them ${role}`, error, status)
    },

    async removeMember(workspaceId, userId) {
      const { error, status } = await client.rpc('remove_member', { p_workspace: workspaceId, p_user: userId })
      if (error) throw postgrestError('Could not remove them', error, status)
    },

    async runPeople(run) {
      const [known, decisions, cancels] = await Promise.all([
        names(run.workspace_id),
        client.from('run_approvals').select('decided_by, decision, comment, decided_at').eq('run_id', run.id).order('decided_at'),
        run.cancel_requested
          ? client
              .from('audit_log')
              .select('actor')
              .eq('workspace_id', run.workspace_id)
              .eq('action', 'run.cancel')
              .eq('target', run.id)
              .limit(1)
          : Promise.resolve(null),
      ])
      if (decisions.error) throw postgrestError(`Could not read who decided run ${run.id}`, decisions.error, decisions.status)
      if (cancels?.error) throw postgrestError(`Could not read who canceled run ${run.id}`, cancels.error, cancels.status)
      const nameOf = (id: string | null | undefined) => (id ? (known.get(id) ?? FORMER_MEMBER) : FORMER_MEMBER)
      const canceler = cancels?.data[0]
      return {
        startedBy: nameOf(run.created_by),
        decisions: decisions.data.map((d) => ({
          by: nameOf(d.decided_by),
          decision: d.decision === 'rejected' ? 'rejected' : 'approved',
          comment: d.comment,
          at: d.decided_at,
        })),
        // The platform cancels too (no actor): said as such.
        canceledBy: canceler === undefined ? null : canceler.actor === null ? 'the platform' : nameOf(canceler.actor),
      }
    },

    async approvalBaseline(runId) {
      const { data, error, status } = await client.rpc('approval_baseline', { p_run_id: runId })
      if (error) throw postgrestError(`Could not read what changed in run ${runId}’s template`, error, status)
      const [row] = data
      if (row === undefined) return { revision: null, yaml: null, baseline: null }
      // The generator types a returned table's columns as never null; these are null when absent.
      const baselineRun: string | null = row.baseline_run_id
      return {
        revision: row.run_revision,
        yaml: row.run_yaml,
        baseline:
          baselineRun === null
            ? null
            : { runId: baselineRun, revision: row.baseline_revision, yaml: row.baseline_yaml, approvedAt: row.baseline_approved_at },
      }
    },
  }
}
