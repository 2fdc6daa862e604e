/**
 * The approvals inbox: the current workspace's runs that wait for approval, split into those the
 * signed-in person may decide now (the badge counts them) and those waiting for someone else, each
 * with the reason they cannot act. The rules are approval-wait.ts's, so the inbox, the log viewer
 * and the server agree.
 */
import type { RunRow } from '../../client/types.ts'
import type { WorkspaceRole } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { approvalWait, type ApprovalWait } from './approval-wait.ts'

export interface InboxEntry {
  run: RunRow
  wait: ApprovalWait
}

export interface ApprovalInbox {
  /** Waiting for this person's decision, oldest first (first come, first decided). */
  mine: InboxEntry[]
  /** Waiting for someone else's, oldest first. */
  others: InboxEntry[]
}

function oldestFirst(a: InboxEntry, b: InboxEntry): number {
  return a.run.created_at < b.run.created_at ? -1 : a.run.created_at > b.run.created_at ? 1 : 0
}

export function approvalInbox(runs: readonly RunRow[], userId: string | null, role: WorkspaceRole | null): ApprovalInbox {
  const mine: InboxEntry[] = []
  const others: InboxEntry[] = []
  for (const run of runs) {
    const wait = approvalWait(run, userId, role)
    if (wait === null) continue
    // Unknown role: not counted as mine (the badge would promise what the server may refuse).
    if (wait.mayDecide && role !== null) mine.push({ run, wait })
    else others.push({ run, wait })
  }
  return { mine: mine.sort(oldestFirst), others: others.sort(oldestFirst) }
}
