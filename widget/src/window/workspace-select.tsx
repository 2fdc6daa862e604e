/** @jsx h */
/** Which of my workspaces the window works in: teams first, so a member lands on the team's runs and templates. */
import { h } from 'preact'
import type { MyWorkspace } from './team.ts'
import styles from './window.css'

export function WorkspaceSelect(props: { workspaces: MyWorkspace[]; value: string; onChange(id: string): void }) {
  return (
    <label class={styles.field}>
      <span>Workspace</span>
      <select class={styles.select} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)} data-workspace>
        {props.workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.personal ? `${workspace.name} (personal)` : workspace.name} · you are {workspace.role}
          </option>
        ))}
      </select>
    </label>
  )
}
