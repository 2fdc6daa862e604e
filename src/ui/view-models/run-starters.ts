/** The Runs tab's Mine / Everyone choice, and who started a run by name. */
import { FORMER_MEMBER } from '../../client/team-api.ts'
import type { RunRow } from '../../client/types.ts'

export type RunStarterFilter = 'everyone' | 'mine'

export function runsStartedBy(runs: readonly RunRow[], filter: RunStarterFilter, userId: string | null): RunRow[] {
  return filter === 'everyone' ? [...runs] : runs.filter((run) => run.created_by === userId)
}

/** "you" for the signed-in person, else the member's name, else that they left the workspace. */
export function starterName(run: RunRow, names: ReadonlyMap<string, string>, userId: string | null): string {
  if (run.created_by === userId) return 'you'
  return names.get(run.created_by) ?? FORMER_MEMBER
}
