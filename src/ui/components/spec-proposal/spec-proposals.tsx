import { h, type ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { applySpecProposal, dismissSpecProposal, type SpecProposalRow } from '../../../client/spec-proposals.ts'
import type { SpecDocRow } from '../../../client/types.ts'
import { useServices } from '../../services/services-context.ts'
import { errorMessage } from '../../../../supabase/functions/_shared/error-message.ts'
import { SpecProposal } from './spec-proposal.tsx'

export interface SpecProposalsProps {
  doc: SpecDocRow
  /** The open proposals on this document, oldest first. */
  proposals: readonly SpecProposalRow[]
  canDecide: boolean
  /** After an apply or a dismiss: the list and the document are read again. */
  onDecided: () => void
  /** The discussion of a proposal (comments on it), shown under its buttons. */
  discussionOf?: (proposal: SpecProposalRow) => ComponentChildren
}

/** The open proposals of a document, each a banner with its diff and Apply / Dismiss. */
export function SpecProposals({ doc, proposals, canDecide, onDecided, discussionOf }: SpecProposalsProps) {
  const { client, api } = useServices()
  const [busy, setBusy] = useState<string | null>(null)
  const [problems, setProblems] = useState<Record<string, string>>({})
  const [runTitles, setRunTitles] = useState<Record<string, string>>({})

  const runIds = proposals.map((p) => p.run_id).filter((id): id is string => id !== null)
  const missing = runIds.filter((id) => runTitles[id] === undefined).join(',')
  useEffect(() => {
    if (missing === '') return
    let stopped = false
    for (const id of missing.split(',')) {
      api.getRun(id).then(
        (run) => !stopped && run !== null && setRunTitles((known) => ({ ...known, [id]: run.title })),
        () => undefined,
      )
    }
    return () => {
      stopped = true
    }
  }, [api, missing])

  async function decide(proposal: SpecProposalRow, apply: boolean): Promise<void> {
    setBusy(proposal.id)
    setProblems(({ [proposal.id]: _, ...rest }) => rest)
    try {
      await (apply ? applySpecProposal : dismissSpecProposal)(client, proposal.id)
      onDecided()
    } catch (caught) {
      setProblems((known) => ({ ...known, [proposal.id]: errorMessage(caught) }))
    } finally {
      setBusy(null)
    }
  }

  return (
    <div data-proposals={proposals.length}>
      {proposals.map((proposal) => (
        <SpecProposal
          key={proposal.id}
          proposal={proposal}
          doc={doc}
          runTitle={proposal.run_id === null ? null : (runTitles[proposal.run_id] ?? null)}
          canDecide={canDecide}
          busy={busy === proposal.id}
          problem={problems[proposal.id] ?? null}
          onApply={() => void decide(proposal, true)}
          onDismiss={() => void decide(proposal, false)}
          discussion={discussionOf?.(proposal)}
        />
      ))}
    </div>
  )
}
