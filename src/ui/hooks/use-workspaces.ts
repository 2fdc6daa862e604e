import { useCallback, useEffect, useState } from 'preact/hooks'
import type { MyWorkspace } from '../../client/team-api.ts'
import type { OpsServices } from '../services/ops-services.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'

/** How often the person's workspaces and roles are read again. */
const ROLE_REFRESH_MS = 15_000

export interface WorkspacesState {
  /** The signed-in person's workspaces; null until listed. */
  list: MyWorkspace[] | null
  /** The current workspace's id; null until known. */
  currentId: string | null
  /** The current workspace with the person's role in it; null until both are known. */
  current: MyWorkspace | null
  error: string | null
  /** Makes a workspace current (and remembers it). */
  choose(workspaceId: string): Promise<void>
  /** Lists again (after creating, joining, or a role change). */
  reload(): Promise<void>
}

/** The signed-in person's workspaces and the current one, for the switcher and every tab. */
export function useWorkspaces(services: OpsServices, userId: string | null): WorkspacesState {
  const [list, setList] = useState<MyWorkspace[] | null>(null)
  const [currentId, setCurrentId] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(async () => {
    if (userId === null) return
    try {
      const [workspaces, current] = await Promise.all([services.team.listWorkspaces(), services.workspace.id()])
      setList(workspaces)
      setCurrentId(current)
      setError(null)
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }, [services, userId])

  useEffect(() => {
    setList(null)
    setCurrentId(null)
    setError(null)
    if (userId === null) return
    void reload()
    // Roles change elsewhere (an admin on another computer) and membership rows are not streamed:
    // read them again now and then, so nobody is offered a decision their role lost or denied one it gained.
    const timer = setInterval(() => void reload(), ROLE_REFRESH_MS)
    const stop = services.workspace.subscribe(setCurrentId)
    return () => {
      clearInterval(timer)
      stop()
    }
  }, [services, userId, reload])

  const choose = useCallback(
    async (workspaceId: string) => {
      try {
        await services.workspace.choose(workspaceId)
      } catch (caught) {
        setError(`Could not remember this workspace for next time: ${errorMessage(caught)}`)
      }
    },
    [services],
  )

  const current = list?.find((workspace) => workspace.id === currentId) ?? null
  return { list, currentId, current, error, choose, reload }
}
