/** One action on a card's run, performed with the window's signed-in session (RLS decides). */
import type { OpsApi } from '../../../src/client/types.ts'
import type { ActionResult, CardAction } from '../messages.ts'
import { readSnapshot } from './run-snapshot.ts'

export async function performAction(api: OpsApi, action: CardAction, runId: string): Promise<ActionResult> {
  switch (action) {
    case 'refresh':
      return { snapshot: await readSnapshot(api, runId) }
    case 'cancel':
      await api.cancelRun(runId)
      return { snapshot: await readSnapshot(api, runId) }
    case 'approve':
    case 'reject':
      await api.decideApproval(runId, action === 'approve')
      return { snapshot: await readSnapshot(api, runId) }
    case 'rerun': {
      const run = await api.getRun(runId)
      if (!run) throw new Error(`run ${runId} is not among the runs you can see`)
      const started = await api.rerun(run)
      return { started: await readSnapshot(api, started.id) }
    }
  }
}
