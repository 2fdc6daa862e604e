import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { proposalOfStep, type SpecProposalRow } from '../../../client/spec-proposals.ts'
import { useServices } from '../../services/services-context.ts'
import styles from './spec-proposal.css'

const STATUS_TEXT: Readonly<Record<SpecProposalRow['status'], string>> = {
  open: 'open: apply or dismiss it in the Spec Kit',
  applied: 'applied',
  dismissed: 'dismissed',
}

/** Under a spec step's diff artifact: the proposal it opened on its document, and a way there. */
export function SpecProposalLink({ runId, stepId, onOpen }: { runId: string; stepId: string; onOpen: (docId: string) => void }) {
  const { client } = useServices()
  const [proposal, setProposal] = useState<SpecProposalRow | null>(null)
  useEffect(() => {
    let stopped = false
    proposalOfStep(client, runId, stepId).then(
      (row) => !stopped && setProposal(row),
      // Runs from before proposals, or a read that failed: the artifact alone is shown.
      () => undefined,
    )
    return () => {
      stopped = true
    }
  }, [client, runId, stepId])
  if (proposal === null) return null
  return (
    <p class={styles.linkRow} data-proposal-link={proposal.status}>
      <span class={styles.muted}>Proposal {STATUS_TEXT[proposal.status]}.</span>{' '}
      <button type="button" class={styles.link} onClick={() => onOpen(proposal.doc_id)} data-open-proposal>
        Open in the Spec Kit
      </button>
    </p>
  )
}
