import { useEffect, useState } from 'preact/hooks'
import { useServices } from '../services/services-context.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

export interface WorkspaceRoleState {
  /** undefined while it loads; null when the caller is not a member. */
  role: string | null | undefined
  error: string | null
}

/** The signed-in person's role in the current workspace: what the views offer follows it (the server decides). */
export function useWorkspaceRole(): WorkspaceRoleState {
  const { governance } = useServices()
  const [state, setState] = useState<WorkspaceRoleState>({ role: undefined, error: null })
  useEffect(() => {
    let stopped = false
    governance.myRole().then(
      (role) => !stopped && setState({ role, error: null }),
      (caught: unknown) => !stopped && setState({ role: null, error: errorMessage(caught) }),
    )
    return () => {
      stopped = true
    }
  }, [governance])
  return state
}
