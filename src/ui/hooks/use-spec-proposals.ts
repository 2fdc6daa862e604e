import { useEffect, useState } from 'preact/hooks'
import { listOpenProposals, subscribeSpecProposals, type SpecProposalRow } from '../../client/spec-proposals.ts'
import { useServices } from '../services/services-context.ts'

export interface SpecProposalsState {
  /** The workspace's open proposals, oldest first. */
  list: SpecProposalRow[]
  refresh(): void
}

/** The open proposals of `workspaceId`, read again whenever one is made, applied or dismissed (live). */
export function useSpecProposals(workspaceId: string | null): SpecProposalsState {
  const { client } = useServices()
  const [list, setList] = useState<SpecProposalRow[]>([])
  const [loads, setLoads] = useState(0)

  useEffect(() => {
    if (workspaceId === null) return
    let stopped = false
    listOpenProposals(client, workspaceId).then(
      (rows) => !stopped && setList(rows),
      // The documents still work without proposals; the next change or visit loads them again.
      () => undefined,
    )
    return () => {
      stopped = true
    }
  }, [client, workspaceId, loads])

  useEffect(() => {
    if (workspaceId === null) return
    return subscribeSpecProposals(client, workspaceId, () => setLoads((n) => n + 1))
  }, [client, workspaceId])

  return { list, refresh: () => setLoads((n) => n + 1) }
}
