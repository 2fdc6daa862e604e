/**
 * The current workspace's rules and record: who the caller is there, members' names, protected
 * environments (read by members, set by admins through ops.set_environment), secret bindings
 * (names and hosts only; row-level security shows them to admins alone) and the audit trail.
 */
import type { CurrentWorkspace } from './current-workspace.ts'
import { postgrestError } from './errors.ts'
import type { OpsClient } from './supabase.ts'
import type { AuditRow, EnvironmentRow, SecretBindingRow } from '../../supabase/functions/_shared/database/index.ts'

export type { AuditRow, EnvironmentRow }

/** The newest audit entries one read returns. */
const AUDIT_PAGE = 200

interface EnvironmentSettings {
  protected: boolean
  requiredApprovals: number
  preventSelfReview: boolean
}

/** The columns of a binding a member may be shown: never a value (the table has none). */
export type SecretBindingView = Pick<SecretBindingRow, 'id' | 'name' | 'hosts' | 'environments' | 'updated_at'>

export interface AuditFilter {
  /** An action's kind, the part before the dot: "template" for template.save and template.delete. */
  kind?: string
  /** Only what this user did. */
  actor?: string
}

export interface WorkspaceGovernance {
  workspaceId(): Promise<string>
  /** The caller's role in the current workspace; null when not a member (or signed out). */
  myRole(): Promise<string | null>
  /** user id → display name, for every current member. */
  memberNames(): Promise<Map<string, string>>
  listEnvironments(): Promise<EnvironmentRow[]>
  setEnvironment(name: string, settings: EnvironmentSettings): Promise<EnvironmentRow>
  /** Admins get the workspace's bindings; everyone else an empty list (row-level security). */
  listSecretBindings(): Promise<SecretBindingView[]>
  /** The newest entries first. */
  listAudit(filter?: AuditFilter): Promise<AuditRow[]>
}

const KIND = /^[a-z_]+$/

export function createWorkspaceGovernance(client: OpsClient, workspace: CurrentWorkspace): WorkspaceGovernance {
  return {
    workspaceId: () => workspace.id(),

    async myRole() {
      const [workspaceId, { data: session }] = await Promise.all([workspace.id(), client.auth.getSession()])
      const userId = session.session?.user.id
      if (userId === undefined) return null
      const { data, error, status } = await client
        .from('workspace_members')
        .select('role')
        .eq('workspace_id', workspaceId)
        .eq('user_id', userId)
        .maybeSingle()
      if (error) throw postgrestError('Could not read your role in this workspace', error, status)
      return data?.role ?? null
    },

    async memberNames() {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client.from('workspace_members').select('user_id, display_name').eq('workspace_id', workspaceId)
      if (error) throw postgrestError('Could not read who is in this workspace', error, status)
      return new Map(data.map((member) => [member.user_id, member.display_name]))
    },

    async listEnvironments() {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client.from('environments').select('*').eq('workspace_id', workspaceId).order('name')
      if (error) throw postgrestError('Could not load the environments', error, status)
      return data
    },

    async setEnvironment(name, settings) {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client.rpc('set_environment', {
        p_workspace: workspaceId,
        p_name: name,
        p_protected: settings.protected,
        p_required_approvals: settings.requiredApprovals,
        p_prevent_self_review: settings.preventSelfReview,
      })
      if (error) throw postgrestError(`Could not change environment "${name}"`, error, status)
      return data
    },

    async listSecretBindings() {
      const workspaceId = await workspace.id()
      const { data, error, status } = await client
        .from('secret_bindings')
        .select('id, name, hosts, environments, updated_at')
        .eq('workspace_id', workspaceId)
        .order('name')
      if (error) throw postgrestError('Could not load the secret bindings', error, status)
      return data
    },

    async listAudit(filter = {}) {
      const workspaceId = await workspace.id()
      let query = client.from('audit_log').select('*').eq('workspace_id', workspaceId)
      if (filter.kind !== undefined) {
        // The kind goes into a like pattern: only the characters an action's kind has.
        if (!KIND.test(filter.kind)) throw new Error(`"${filter.kind}" is not a kind of audit entry`)
        query = query.like('action', `${filter.kind.replace(/_/g, '\\_')}.%`)
      }
      if (filter.actor !== undefined) query = query.eq('actor', filter.actor)
      const { data, error, status } = await query.order('at', { ascending: false }).order('id', { ascending: false }).limit(AUDIT_PAGE)
      if (error) throw postgrestError('Could not load the audit trail', error, status)
      return data
    },
  }
}
