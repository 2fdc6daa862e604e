/** @jsx h */
/**
 * Review a waiting run from its card: what waits, "1 of 2 approvals" and by whom, and Approve /
 * Reject with a comment — only for those who may (review-choice.ts); everyone else reads why not.
 * The decision goes through ops.decide_approval, which has the last word.
 */
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { LoadingIndicator } from '@create-figma-plugin/ui'
import { emit } from '@create-figma-plugin/utilities'
import type { OpsServices } from '../../../src/ui/services/ops-services.ts'
import type { RunRow } from '../../../src/client/types.ts'
import { ApprovalPanel } from '../../../src/ui/components/approval-panel/approval-panel.tsx'
import { approvalWait } from '../../../src/ui/view-models/approval-wait.ts'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import type { ActionDoneHandler } from '../messages.ts'
import { readSnapshot } from './run-snapshot.ts'
import { reviewChoice, type ReviewChoice } from './review-choice.ts'
import { myWorkspaces } from './team.ts'
import styles from './window.css'

interface Loaded {
  run: RunRow
  userId: string
  choice: ReviewChoice
}

async function loadReview(services: OpsServices, runId: string): Promise<Loaded> {
  const run = await services.api.getRun(runId)
  if (!run) throw new Error(`run ${runId} is not among the runs you can see (sign in as a member of its workspace)`)
  const { data } = await services.client.auth.getSession()
  const userId = data.session?.user.id ?? ''
  const role = (await myWorkspaces(services.client)).find((workspace) => workspace.id === run.workspace_id)?.role ?? null
  return { run, userId, choice: reviewChoice(run, { userId, role }) }
}

export function Review(props: { services: OpsServices; runId: string }) {
  const { services, runId } = props
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    loadReview(services, runId).then(setLoaded, (e: unknown) => setError(errorMessage(e)))
  }, [])

  const decide = async (approve: boolean, comment: string | undefined) => {
    setBusy(true)
    try {
      await services.api.decideApproval(runId, approve, comment)
      emit<ActionDoneHandler>('ACTION_DONE', { snapshot: await readSnapshot(services.api, runId) })
    } catch (e) {
      setError(errorMessage(e))
      setBusy(false)
    }
  }

  if (!loaded && !error) return <LoadingIndicator />
  const wait = loaded && approvalWait(loaded.run, loaded.userId)
  return (
    <div class={styles.stack} data-review={runId}>
      {loaded ? <h1 class={styles.heading}>{loaded.run.title}</h1> : null}
      {error ? (
        <p role="alert" class={styles.error}>
          {error}
        </p>
      ) : null}
      {loaded && !loaded.choice.may ? (
        <p class={styles.note} data-review-refused>
          {wait ? `${wait.waitingFor}${wait.approvedSoFar ? ` · ${wait.approvedSoFar}` : ''}. ` : ''}
          {loaded.choice.reason}
        </p>
      ) : null}
      {loaded && loaded.choice.may && wait ? (
        <ApprovalPanel wait={wait} busy={busy} onDecide={(approve, comment) => void decide(approve, comment)} />
      ) : null}
    </div>
  )
}
