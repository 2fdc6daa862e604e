import { LoadingIndicator } from '@create-figma-plugin/ui'
import { h, type JSX } from 'preact'
import { useReducer, useState } from 'preact/hooks'
import type { RunStreamHandle, Settings, UiBootData } from '../../client/types.ts'
import { ConnectionBanner } from '../components/connection-banner/connection-banner.tsx'
import { RunLogViewer } from '../components/run-log-viewer/run-log-viewer.tsx'
import { SettingsPanel } from '../components/settings-panel/settings-panel.tsx'
import { SignInPanel } from '../components/sign-in-panel/sign-in-panel.tsx'
import { GuestUpgradePanel } from '../components/guest-upgrade-panel/guest-upgrade-panel.tsx'
import { useConnection } from '../hooks/use-connection.ts'
import { useMainThreadNotices } from '../hooks/use-main-thread-notices.ts'
import { useResizableWindow } from '../hooks/use-resizable-window.ts'
import { useOpenRunHistory, useRunFinishedNotices, useRunHistory } from '../hooks/use-run-history.ts'
import { useMembers } from '../hooks/use-members.ts'
import { useNow } from '../hooks/use-now.ts'
import { useWorkspaces } from '../hooks/use-workspaces.ts'
import { ApprovalsInbox } from '../components/approvals-inbox/approvals-inbox.tsx'
import { TeamPanel } from '../components/team-panel/team-panel.tsx'
import { approvalInbox } from '../view-models/approval-inbox.ts'
import { roleAtLeast } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { useSession } from '../hooks/use-session.ts'
import { useTemplateCatalog } from '../hooks/use-template-catalog.ts'
import { useToast } from '../hooks/use-toast.ts'
import { useServices } from '../services/services-context.ts'
import { addSummaryCardToBoard, announceRunFinished, saveSettings } from './main-thread.ts'
import { initialNavigation, navigate, screenOf, selectedTab } from './navigation.ts'
import { requestSpecDoc } from './spec-doc-request.ts'
import { ShellHeader } from './shell-header.tsx'
import { startRunWithStream } from './start-run.ts'
import { TabPanel } from './tab-panel.tsx'
import { TABS, type TabScope } from './tabs.tsx'
import { Toast } from './toast.tsx'
import { errorMessage } from '../../../supabase/functions/_shared/error-message.ts'
import styles from './shell.css'

export interface ShellProps {
  boot: UiBootData
  onSettingsChange: (settings: Settings) => void
}

/** Banner, sign-in or tabs, the run log when a run is open, and notices from the main thread. */
export function Shell({ boot, onSettingsChange }: ShellProps) {
  const services = useServices()
  const connection = useConnection(services.connection)
  const session = useSession(services.client)
  const user = session.status === 'signed-in' ? session.user : null
  const [navigation, dispatch] = useReducer(navigate, boot.openRunId, (runId) => {
    // Reopened from a document's section on the board: the Spec Kit, on that document.
    if (boot.openSpecDocId !== null) requestSpecDoc(boot.openSpecDocId)
    return initialNavigation((boot.openSpecDocId ?? null) === null ? TABS[0].value : 'spec-kit', runId)
  })
  const { toast, flash } = useToast()
  useResizableWindow()
  useMainThreadNotices(flash)
  const userId = user?.id ?? null
  const workspaces = useWorkspaces(services, userId)
  const members = useMembers(services, workspaces.currentId)
  const history = useOpenRunHistory(services, userId, workspaces.currentId)
  useRunFinishedNotices(history, announceRunFinished)
  // Listed again for each person and each workspace they switch to.
  const {
    catalog,
    error: catalogError,
    reload: reloadTemplates,
  } = useTemplateCatalog(services.api, userId === null || workspaces.currentId === null ? null : `${userId}/${workspaces.currentId}`)
  const { runs } = useRunHistory(history)
  const role = workspaces.current?.role ?? null
  const inbox = approvalInbox(runs ?? [], userId, role)
  const now = useNow(inbox.mine.length + inbox.others.length > 0)
  const roleIn = (workspaceId: string) => workspaces.list?.find((workspace) => workspace.id === workspaceId)?.role ?? null

  // A guest's account panel over the rest: to keep their work, or a warning before signing out.
  const [guestPanel, setGuestPanel] = useState<'save' | 'sign-out' | null>(null)
  const openRun = (runId: string, stream: RunStreamHandle | null) => dispatch({ type: 'open-run', runId, stream })
  // A failed sign-out keeps the session (supabase-js only drops it once the server agreed): say so.
  const signOut = async (): Promise<void> => {
    try {
      const { error } = await services.client.auth.signOut()
      if (error) flash(`Could not sign out: ${error.message}`, 'error')
    } catch (error) {
      flash(`Could not sign out: ${errorMessage(error)}`, 'error')
    }
  }
  const screen = screenOf(navigation, session.status)
  let content: JSX.Element | null = null
  switch (screen.kind) {
    case 'settings':
      content = (
        <SettingsPanel
          settings={services.settings}
          onClose={() => dispatch({ type: 'close-settings' })}
          onSave={(next) => {
            saveSettings(next)
            dispatch({ type: 'settings-saved' })
            onSettingsChange(next)
          }}
        />
      )
      break
    case 'restoring-session':
      content = (
        <div class={styles.center}>
          <LoadingIndicator />
          <span>Restoring your session…</span>
        </div>
      )
      break
    case 'sign-in':
      content = (
        <SignInPanel
          error={session.status === 'signed-out' ? session.error : null}
          onOpenSettings={() => dispatch({ type: 'open-settings' })}
        />
      )
      break
    case 'run':
      content = (
        <RunLogViewer
          key={screen.run.runId}
          runId={screen.run.runId}
          stream={screen.run.stream}
          lineSeq={screen.run.seq ?? null}
          connection={connection}
          onBack={() => dispatch({ type: 'close-run' })}
          onOpenRun={openRun}
          onAddToBoard={addSummaryCardToBoard}
          roleIn={roleIn}
          onOpenSpecDoc={(docId) => {
            requestSpecDoc(docId)
            dispatch({ type: 'select-tab', tab: 'spec-kit' })
          }}
        />
      )
      break
    case 'panel':
      if (userId === null) break
      content =
        screen.panel === 'team' ? (
          <TeamPanel workspaces={workspaces} members={members} userId={userId} onClose={() => dispatch({ type: 'close-panel' })} />
        ) : (
          <ApprovalsInbox
            inbox={inbox}
            loaded={runs !== null}
            workspaceName={workspaces.current?.name ?? 'this workspace'}
            names={members.names}
            userId={userId}
            now={now}
            onOpenRun={(runId) => openRun(runId, null)}
            onClose={() => dispatch({ type: 'close-panel' })}
          />
        )
      break
    case 'tab':
      if (history !== null) {
        const current = workspaces.current
        const scope: TabScope = {
          catalog: catalog ?? [],
          reloadTemplates,
          history,
          userId,
          names: members.names,
          startRun: async (run) => {
            // Said before the database refuses it in its own words.
            if (current !== null && !roleAtLeast(current.role, 'operator')) {
              throw new Error(
                `You are a viewer in ${current.name}: only operators, approvers and admins start runs. Ask an admin for the operator role.`,
              )
            }
            await startRunWithStream(services, run, openRun)
          },
          openRun: (runId, seq = null) => dispatch({ type: 'open-run', runId, stream: null, seq }),
          addToBoard: (run) => {
            addSummaryCardToBoard(run)
            flash('Adding a card to the board…')
          },
        }
        // Keyed by workspace: every tab starts afresh in the one just chosen.
        content = <TabPanel key={workspaces.currentId} tab={screen.tab} scope={scope} catalogError={catalogError} />
      }
  }

  const guestPanelShown = guestPanel !== null && user?.anonymous === true && screen.kind !== 'settings'
  if (guestPanelShown) {
    content = (
      <GuestUpgradePanel
        reason={guestPanel}
        onCancel={() => setGuestPanel(null)}
        onSaved={(email, pending) => {
          setGuestPanel(null)
          flash(
            pending
              ? `Open the link sent to ${email} to confirm it; until then you are still a guest.`
              : `Saved: sign in as ${email} to reach your work from anywhere.`,
          )
        }}
        onSignOutAnyway={() => {
          setGuestPanel(null)
          void signOut()
        }}
      />
    )
  }

  return (
    <div class={styles.app} data-editor={boot.editorType}>
      <ConnectionBanner state={connection} host={hostOf(services.settings.supabaseUrl)} onRetry={() => void services.connection.retry()} />
      <ShellHeader
        user={user}
        figmaUser={boot.user}
        selected={selectedTab(navigation)}
        panelShown={screen.kind === 'tab' && !guestPanelShown}
        onSelectTab={(tab) => dispatch({ type: 'select-tab', tab })}
        onToggleSettings={() => dispatch({ type: 'toggle-settings' })}
        onSaveWork={() => setGuestPanel('save')}
        // A guest's session cannot be signed in to again: warn, and offer to keep it, first.
        onSignOut={() => (user?.anonymous === true ? setGuestPanel('sign-out') : void signOut())}
        workspaces={workspaces}
        inboxCount={inbox.mine.length}
        openPanel={screen.kind === 'panel' ? screen.panel : null}
        onOpenPanel={(panel) => dispatch({ type: 'open-panel', panel })}
      />
      {/* The log viewer scrolls its own rows; everything else scrolls as a page. */}
      <main class={screen.kind === 'run' ? `${styles.content} ${styles.fixed}` : styles.content}>{content}</main>
      <Toast toast={toast} />
    </div>
  )
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
