import { h } from 'preact'
import type { MyWorkspace } from '../../../client/team-api.ts'
import { ROLE_LABELS } from '../../../../supabase/functions/_shared/vocabulary/index.ts'
import styles from './workspace-bar.css'

export interface WorkspaceBarProps {
  /** null while they load. */
  workspaces: readonly MyWorkspace[] | null
  currentId: string | null
  /** Runs waiting for the signed-in person's decision in the current workspace. */
  inboxCount: number
  /** Which team view is open, if any. */
  open: 'team' | 'inbox' | null
  onChoose: (workspaceId: string) => void
  onOpenTeam: () => void
  onOpenInbox: () => void
}

/** The workspace switcher, the way to its members, and the approvals inbox with its count. */
export function WorkspaceBar({ workspaces, currentId, inboxCount, open, onChoose, onOpenTeam, onOpenInbox }: WorkspaceBarProps) {
  const current = workspaces?.find((workspace) => workspace.id === currentId) ?? null
  return (
    <div class={styles.bar} data-workspace-bar>
      <label class={styles.switcher}>
        <span class={styles.label}>Workspace</span>
        <select
          class={styles.select}
          value={currentId ?? ''}
          disabled={workspaces === null}
          onChange={(event) => onChoose(event.currentTarget.value)}
          data-workspace-switcher
        >
          {workspaces === null ? <option value="">Loading…</option> : null}
          {(workspaces ?? []).map((workspace) => (
            <option key={workspace.id} value={workspace.id}>
              {workspace.personal ? `${workspace.name} (just you)` : workspace.name}
            </option>
          ))}
        </select>
      </label>
      {current === null ? null : (
        <span class={styles.role} data-my-role={current.role}>
          {ROLE_LABELS[current.role]}
        </span>
      )}
      <span class={styles.spacer} />
      <button type="button" class={styles.button} aria-pressed={open === 'team'} onClick={onOpenTeam} data-open-team>
        Members
      </button>
      <button type="button" class={styles.button} aria-pressed={open === 'inbox'} onClick={onOpenInbox} data-open-inbox>
        Approvals
        <span class={inboxCount > 0 ? `${styles.badge} ${styles.due}` : styles.badge} data-inbox-count={inboxCount}>
          {inboxCount}
        </span>
        {/* Heard, not seen: what the number counts. */}
        <span class={styles.hidden}> waiting for you</span>
      </button>
    </div>
  )
}
