import { IconAdjust32, IconButton } from '@create-figma-plugin/ui'
import { Fragment, h } from 'preact'
import type { FigmaUser } from '../../client/types.ts'
import { TabBar } from '../components/tab-bar/tab-bar.tsx'
import type { SessionUser } from '../hooks/use-session.ts'
import type { WorkspacesState } from '../hooks/use-workspaces.ts'
import { WorkspaceBar } from '../components/workspace-bar/workspace-bar.tsx'
import type { TeamPanel } from './navigation.ts'
import { AccountMenu } from './account-menu.tsx'
import styles from './shell-header.css'
import { TABS, type Tab } from './tabs.tsx'

export interface ShellHeaderProps {
  /** null until someone is signed in. */
  user: SessionUser | null
  figmaUser: FigmaUser | null
  /** The tab the bar marks; null while the settings cover it. */
  selected: Tab | null
  /** Whether the selected tab's panel is showing (not while a run's log covers it). */
  panelShown: boolean
  onSelectTab: (tab: Tab) => void
  onToggleSettings: () => void
  onSaveWork: () => void
  onSignOut: () => void
  workspaces: WorkspacesState
  /** Runs waiting for the signed-in person's decision. */
  inboxCount: number
  openPanel: TeamPanel | null
  onOpenPanel: (panel: TeamPanel) => void
}

/** The tabs, the account and the workspace bar once signed in; before that, only the way to the settings. */
export function ShellHeader({
  user,
  figmaUser,
  selected,
  panelShown,
  onSelectTab,
  onToggleSettings,
  onSaveWork,
  onSignOut,
  workspaces,
  inboxCount,
  openPanel,
  onOpenPanel,
}: ShellHeaderProps) {
  const settingsButton = (
    <IconButton aria-label="Supabase settings" title="Supabase settings" onClick={onToggleSettings} data-open-settings>
      <IconAdjust32 />
    </IconButton>
  )
  if (user === null) {
    return (
      <div class={styles.titleBar}>
        <span class={styles.product}>Not signed in</span>
        {settingsButton}
      </div>
    )
  }
  return (
    <>
      <TabBar
        tabs={TABS}
        value={openPanel === null ? selected : null}
        panelShown={panelShown}
        onChange={onSelectTab}
        trailing={
          <>
            <AccountMenu user={user} figmaUser={figmaUser} onSaveWork={onSaveWork} onSignOut={onSignOut} />
            {settingsButton}
          </>
        }
      />
      <WorkspaceBar
        workspaces={workspaces.list}
        currentId={workspaces.currentId}
        inboxCount={inboxCount}
        open={openPanel}
        onChoose={(id) => void workspaces.choose(id)}
        onOpenTeam={() => onOpenPanel('team')}
        onOpenInbox={() => onOpenPanel('inbox')}
      />
    </>
  )
}
