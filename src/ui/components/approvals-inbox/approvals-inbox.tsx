import { Button } from '@create-figma-plugin/ui'
import { Fragment, h } from 'preact'
import type { ApprovalInbox } from '../../view-models/approval-inbox.ts'
import { starterName } from '../../view-models/run-starters.ts'
import { InboxItem } from '../inbox-item/inbox-item.tsx'
import styles from './approvals-inbox.css'

export interface ApprovalsInboxProps {
  inbox: ApprovalInbox
  /** null until the runs are loaded. */
  loaded: boolean
  workspaceName: string
  /** Members of the workspace by user id. */
  names: ReadonlyMap<string, string>
  userId: string
  now: number
  onOpenRun: (runId: string) => void
  onClose: () => void
}

/** The runs of the current workspace that wait for approval: mine to decide first, then the others, live. */
export function ApprovalsInbox({ inbox, loaded, workspaceName, names, userId, now, onOpenRun, onClose }: ApprovalsInboxProps) {
  return (
    <section class={styles.inbox} aria-labelledby="inbox-title" data-approvals-inbox>
      <div class={styles.top}>
        <Button secondary onClick={onClose} data-close-panel>
          ← Back
        </Button>
        <h2 id="inbox-title" class={styles.title}>
          Approvals in {workspaceName}
        </h2>
      </div>
      {!loaded ? <p class={styles.note}>Loading the runs…</p> : null}
      <h3 class={styles.heading} id="inbox-mine">
        Waiting for your decision ({inbox.mine.length})
      </h3>
      {loaded && inbox.mine.length === 0 ? (
        <p class={styles.note} data-inbox-empty>
          Nothing waits for your decision.
        </p>
      ) : null}
      <ul class={styles.list} aria-labelledby="inbox-mine" data-inbox-mine>
        {inbox.mine.map((entry) => (
          <InboxItem key={entry.run.id} entry={entry} startedBy={starterName(entry.run, names, userId)} now={now} onOpen={onOpenRun} />
        ))}
      </ul>
      {inbox.others.length === 0 ? null : (
        <>
          <h3 class={styles.heading} id="inbox-others">
            Waiting for someone else ({inbox.others.length})
          </h3>
          <ul class={styles.list} aria-labelledby="inbox-others" data-inbox-others>
            {inbox.others.map((entry) => (
              <InboxItem key={entry.run.id} entry={entry} startedBy={starterName(entry.run, names, userId)} now={now} onOpen={onOpenRun} />
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
