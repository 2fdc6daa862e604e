import { useCallback, useEffect, useState } from 'preact/hooks'
import type { WorkspaceMemberRow } from '../../client/team-api.ts'
import type { OpsServices } from '../services/ops-services.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

export interface MembersState {
  /** null until listed. */
  members: WorkspaceMemberRow[] | null
  /** user id → the name the workspace knows them by. */
  names: ReadonlyMap<string, string>
  error: string | null
  reload(): Promise<void>
}

const NO_NAMES: ReadonlyMap<string, string> = new Map()

/** The members of a workspace, listed again when it changes. */
export function useMembers(services: OpsServices, workspaceId: string | null): MembersState {
  const [members, setMembers] = useState<WorkspaceMemberRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(async () => {
    if (workspaceId === null) return
    try {
      setMembers(await services.team.listMembers(workspaceId))
      setError(null)
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }, [services, workspaceId])
  useEffect(() => {
    setMembers(null)
    void reload()
  }, [reload])
  const names = members === null ? NO_NAMES : new Map(members.map((member) => [member.user_id, member.display_name]))
  return { members, names, error, reload }
}
