import { IconButton, IconAdjust32, LoadingIndicator, useWindowResize } from '@create-figma-plugin/ui'
import { emit, on } from '@create-figma-plugin/utilities'
import { Fragment, h, type JSX } from 'preact'
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import type { NewRun, RunRow, RunStreamHandle, Settings, UiBootData } from '../../client/types.ts'
import type {
  AddRunCardHandler,
  CardAddedHandler,
  MainErrorHandler,
  ResizeHandler,
  RunFinishedHandler,
  SaveSettingsHandler,
} from '../../messages.ts'
import { ConnectionBanner } from '../components/connection-banner/connection-banner.tsx'
import { RunLogViewer } from '../components/run-log-viewer/run-log-viewer.tsx'
import { SettingsPanel } from '../components/settings-panel/settings-panel.tsx'
import { SignInPanel } from '../components/sign-in-panel/sign-in-panel.tsx'
import { TabBar } from '../components/tab-bar/tab-bar.tsx'
import { useConnection } from '../hooks/use-connection.ts'
import { useRunFinishedNotices } from '../hooks/use-run-history.ts'
import { useSession } from '../hooks/use-session.ts'
import { useServices } from '../services/services-context.ts'
import { ChatTab } from '../tabs/chat-tab/chat-tab.tsx'
import { RunsTab } from '../tabs/runs-tab/runs-tab.tsx'
import { SpecKitTab } from '../tabs/spec-kit-tab/spec-kit-tab.tsx'
import { TemplatesTab } from '../tabs/templates-tab/templates-tab.tsx'
import { runCardData } from '../view-models/run-card-data.ts'
import { templateCatalog, type CatalogEntry } from '../view-models/template-catalog.ts'
import { AccountMenu } from './account-menu.tsx'
import { startRunWithStream } from './start-run.ts'
import styles from './shell.css'

type Tab = 'chat' | 'templates' | 'runs' | 'spec-kit'

const TABS = [
  { value: 'chat', label: 'Chat' },
  { value: 'templates', label: 'Templates' },
  { value: 'runs', label: 'Runs' },
  { value: 'spec-kit', label: 'Spec Kit' },
] as const

export interface ShellProps {
  boot: UiBootData
  onSettingsChange: (settings: Settings) => void
}

/** Banner, sign-in or tabs, the run log when a run is open, and notices from the main thread. */
export function Shell({ boot, onSettingsChange }: ShellProps) {
  const services = useServices()
  const connection = useConnection(services.connection)
  const session = useSession(services.client)
  const [tab, setTab] = useState<Tab>('chat')
  const [showSettings, setShowSettings] = useState(false)
  const [openRun, setOpenRun] = useState<{ runId: string; stream: RunStreamHandle | null } | null>(
    boot.openRunId === null ? null : { runId: boot.openRunId, stream: null },
  )
  const [catalog, setCatalog] = useState<CatalogEntry[] | null>(null)
  const [catalogError, setCatalogError] = useState<string | null>(null)
  const [toast, setToast] = useState<{ text: string; tone: 'info' | 'error' } | null>(null)

  useWindowResize(({ width, height }) => emit<ResizeHandler>('RESIZE', width, height), {
    minWidth: 340,
    minHeight: 420,
    maxWidth: 1600,
    maxHeight: 1400,
  })

  const flash = useCallback((text: string, tone: 'info' | 'error' = 'info') => {
    setToast({ text, tone })
    setTimeout(() => setToast((current) => (current?.text === text ? null : current)), tone === 'error' ? 8000 : 3000)
  }, [])

  useEffect(() => {
    const offAdded = on<CardAddedHandler>('CARD_ADDED', () => flash('Added a run card to the board'))
    const offError = on<MainErrorHandler>('MAIN_ERROR', (message) => flash(message, 'error'))
    return () => {
      offAdded()
      offError()
    }
  }, [flash])

  const signedIn = session.status === 'signed-in'
  // Open while the plugin is: the Runs tab shows it, and a run that ends is announced from any tab.
  const userId = session.status === 'signed-in' ? session.user.id : null
  const history = useMemo(() => (userId === null ? null : services.openRunHistory()), [services, userId])
  useEffect(() => () => void history?.close(), [history])
  useRunFinishedNotices(history, (run) => emit<RunFinishedHandler>('RUN_FINISHED', runCardData(run)))
  useEffect(() => {
    if (!signedIn) return
    let stopped = false
    setCatalogError(null)
    services.api.listTemplates().then(
      (rows) => !stopped && setCatalog(templateCatalog(rows)),
      (caught: Error) => !stopped && setCatalogError(caught.message),
    )
    return () => {
      stopped = true
    }
  }, [services, signedIn])

  const startRun = async (run: NewRun) => {
    await startRunWithStream(services, run, (runId, stream) => setOpenRun({ runId, stream }))
  }
  const addToBoard = (run: RunRow) => {
    emitRunCard(run)
    flash('Adding a card to the board…')
  }
  const host = hostOf(services.settings.supabaseUrl)

  let content: JSX.Element
  if (showSettings) {
    content = (
      <SettingsPanel
        settings={services.settings}
        onClose={() => setShowSettings(false)}
        onSave={(next) => {
          emit<SaveSettingsHandler>('SAVE_SETTINGS', next)
          setShowSettings(false)
          setCatalog(null)
          setOpenRun(null)
          onSettingsChange(next)
        }}
      />
    )
  } else if (session.status === 'loading') {
    content = (
      <div class={styles.center}>
        <LoadingIndicator />
        <span>Restoring your session…</span>
      </div>
    )
  } else if (session.status === 'signed-out') {
    content = <SignInPanel error={session.error} onOpenSettings={() => setShowSettings(true)} />
  } else if (openRun !== null) {
    content = (
      <RunLogViewer
        key={openRun.runId}
        runId={openRun.runId}
        stream={openRun.stream}
        onBack={() => setOpenRun(null)}
        onOpenRun={(runId, stream) => setOpenRun({ runId, stream })}
        onAddToBoard={emitRunCard}
      />
    )
  } else {
    const ready = catalog ?? []
    content = (
      <div class={styles.panel} role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {catalogError === null ? null : (
          <p class={styles.error} role="alert">
            {catalogError}
          </p>
        )}
        {tab === 'chat' ? <ChatTab catalog={ready} onStartRun={startRun} /> : null}
        {tab === 'templates' ? <TemplatesTab catalog={ready} onStartRun={startRun} /> : null}
        {tab === 'runs' && history !== null ? (
          <RunsTab history={history} onOpenRun={(runId) => setOpenRun({ runId, stream: null })} onAddToBoard={addToBoard} />
        ) : null}
        {tab === 'spec-kit' ? <SpecKitTab /> : null}
      </div>
    )
  }

  const settingsButton = (
    <IconButton aria-label="Supabase settings" title="Supabase settings" onClick={() => setShowSettings(!showSettings)} data-open-settings>
      <IconAdjust32 />
    </IconButton>
  )

  return (
    <div class={styles.app} data-editor={boot.editorType}>
      <ConnectionBanner state={connection} host={host} onRetry={() => void services.connection.retry()} />
      {signedIn ? (
        <TabBar
          tabs={TABS}
          value={showSettings ? null : tab}
          onChange={(next) => {
            setTab(next)
            setOpenRun(null)
            setShowSettings(false)
          }}
          trailing={
            <>
              <AccountMenu user={session.user} figmaUser={boot.user} onSignOut={() => void services.client.auth.signOut()} />
              {settingsButton}
            </>
          }
        />
      ) : (
        <div class={styles.titleBar}>
          <span class={styles.product}>Not signed in</span>
          {settingsButton}
        </div>
      )}
      <main class={openRun !== null && signedIn && !showSettings ? `${styles.content} ${styles.fixed}` : styles.content}>{content}</main>
      {toast === null ? null : (
        <div
          class={toast.tone === 'error' ? `${styles.toast} ${styles.toastError}` : styles.toast}
          role={toast.tone === 'error' ? 'alert' : 'status'}
          data-toast
        >
          {toast.text}
        </div>
      )}
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

/** The main thread drops a summary card of the run on the canvas. */
function emitRunCard(run: RunRow): void {
  emit<AddRunCardHandler>('ADD_RUN_CARD', runCardData(run))
}
