import { Button } from '@create-figma-plugin/ui'
import { Fragment, h, type ComponentChildren } from 'preact'
import type { SpecProposalRow } from '../../../client/spec-proposals.ts'
import type { SpecDocRow } from '../../../client/types.ts'
import { textDiff } from '../../view-models/text-diff.ts'
import { diffLines, diffStat } from '../../view-models/diff-lines.ts'
import { DiffView } from '../diff-view/diff-view.tsx'
import styles from './spec-proposal.css'

export interface SpecProposalProps {
  proposal: SpecProposalRow
  doc: SpecDocRow
  /** The run's title, once known. */
  runTitle: string | null
  canDecide: boolean
  busy: boolean
  problem: string | null
  onApply: () => void
  onDismiss: () => void
  /** Where the proposal's discussion (comments) goes. */
  discussion?: ComponentChildren
}

/**
 * A run's proposed change on its document: a banner naming the run, the change as a diff in place
 * (against the document as it is now when nothing changed since, else the run's own diff with a
 * note), and Apply / Dismiss for operators and up.
 */
export function SpecProposal({ proposal, doc, runTitle, canDecide, busy, problem, onApply, onDismiss, discussion }: SpecProposalProps) {
  const current = proposal.base_version === doc.version
  const diff = current
    ? textDiff(doc.content, proposal.proposed_content, `${doc.title} (version ${doc.version})`, 'proposed')
    : proposal.diff
  const stat = diffStat(diffLines(diff))
  const label = `Proposed change to ${doc.title}`
  return (
    <section class={styles.proposal} aria-label={label} data-proposal={proposal.id}>
      <div class={styles.banner} role="status">
        <span class={styles.badge}>Suggested change</span>
        <span class={styles.text}>
          {'A run proposes a change to '}
          <strong>{doc.title}</strong>
          {runTitle === null ? null : (
            <span>
              {' from the run '}
              <q data-proposal-run>{runTitle}</q>
            </span>
          )}
          <span class={styles.stat}>
            {' '}
            <span class={styles.added}>+{stat.added}</span> <span class={styles.removed}>−{stat.removed}</span>
          </span>
        </span>
      </div>
      {current ? null : (
        <p class={styles.note} data-proposal-stale>
          The document changed since this proposal (made against version {proposal.base_version}, now version {doc.version}). The diff is
          the run’s; Apply adds the change to the latest version if it still applies, and says so if not.
        </p>
      )}
      <DiffView diff={diff} label={label} />
      {problem === null ? null : (
        <p class={styles.problem} role="alert" data-proposal-problem>
          {problem}
        </p>
      )}
      <div class={styles.buttons}>
        {canDecide ? (
          <Fragment>
            <Button onClick={onApply} disabled={busy} loading={busy} data-apply-proposal>
              Apply as version {doc.version + 1}
            </Button>
            <Button secondary onClick={onDismiss} disabled={busy} data-dismiss-proposal>
              Dismiss
            </Button>
          </Fragment>
        ) : (
          <span class={styles.muted}>Operators and up apply or dismiss proposed changes.</span>
        )}
      </div>
      {discussion}
    </section>
  )
}
