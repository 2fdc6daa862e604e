import { Button } from '@create-figma-plugin/ui'
import { h } from 'preact'
import { useEffect } from 'preact/hooks'
import type { WorkspacesState } from '../../hooks/use-workspaces.ts'
import type { MembersState } from '../../hooks/use-members.ts'
import { MembersPanel } from '../members-panel/members-panel.tsx'
import { WorkspaceStart } from '../workspace-start/workspace-start.tsx'
import styles from './team-panel.css'

export interface TeamPanelProps {
  workspaces: WorkspacesState
  members: MembersState
  userId: string
  onClose: () => void
}

/** The current workspace's members, and creating or joining another workspace. */
export function TeamPanel({ workspaces, members, userId, onClose }: TeamPanelProps) {
  // Roles change elsewhere (an admin on another computer): opening the panel reads them again.
  useEffect(() => {
    void workspaces.reload()
    void members.reload()
  }, [])
  const alone = workspaces.list !== null && workspaces.list.every((workspace) => workspace.personal)
  return (
    <div class={styles.panel} data-team-panel>
      <div class={styles.top}>
        <Button secondary onClick={onClose} data-close-panel>
          ← Back
        </Button>
      </div>
      {workspaces.error === null ? null : (
        <p class={styles.problem} role="alert">
          {workspaces.error}
        </p>
      )}
      {members.error === null ? null : (
        <p class={styles.problem} role="alert">
          {members.error}
        </p>
      )}
      {workspaces.current === null ? null : (
        <MembersPanel
          workspace={workspaces.current}
          members={members.members}
          userId={userId}
          onChanged={() => {
            void members.reload()
            void workspaces.reload()
          }}
        />
      )}
      <WorkspaceStart
        alone={alone}
        onEntered={(id) => {
          void workspaces.reload().then(() => workspaces.choose(id))
        }}
      />
    </div>
  )
}
