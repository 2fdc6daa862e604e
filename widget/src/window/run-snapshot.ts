/** Reads a run's current picture (run, last lines, artifacts, what its board may show) over REST, for picking and actions. */
import type { OpsApi } from '../../../src/client/types.ts'
import { MAX_LINES, snapshotOf, type RunSnapshot } from '../card/snapshot.ts'

export async function readSnapshot(api: OpsApi, runId: string): Promise<RunSnapshot> {
  const run = await api.getRun(runId)
  if (!run) throw new Error(`run ${runId} is not among your runs (sign in as a member of its workspace)`)
  const [newest, artifacts, board] = await Promise.all([
    api.fetchEvents(runId, { before: run.last_seq + 1, limit: MAX_LINES }),
    api.listArtifacts(runId),
    api.boardFacts(run),
  ])
  const events = [...newest].sort((a, b) => a.seq - b.seq)
  return snapshotOf(run, events, artifacts, { now: Date.now(), board })
}
