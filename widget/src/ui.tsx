/** @jsx h */
/**
 * The widget's window. Visible to pick a run or show one; hidden to keep cards live and to act
 * on a run. It has the network (supabase-js); the widget code keeps its session in
 * figma.clientStorage and owns the cards' synced state.
 */
import { h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { LoadingIndicator, render } from '@create-figma-plugin/ui'
import '!../../src/ui/app/global.css'
import { createOpsServices, type OpsServices } from '../../src/ui/services/ops-services.ts'
import { ServicesContext } from '../../src/ui/services/services-context.ts'
import type { WindowMode } from './live/protocol.ts'
import { performAction } from './window/actions.ts'
import { Details } from './window/details.tsx'
import { keepLive } from './window/live.ts'
import { Picker } from './window/picker.tsx'
import { onMessage, send, widgetStoragePort } from './window/port.ts'
import { readSnapshot } from './window/run-snapshot.ts'
import { SignIn } from './window/sign-in.tsx'
import styles from './window/window.css'

interface Connection {
  mode: WindowMode
  services: OpsServices
  signedIn: boolean
}

/** The modes without a screen: keeping cards live, and one action on a run. */
async function runHeadless(connection: Connection): Promise<void> {
  const {
    mode,
    services: { client, api },
  } = connection
  try {
    if (!connection.signedIn) throw new Error('Sign in from the card first (Pick a run) to keep it live or act on it.')
    if (mode.kind === 'live') {
      keepLive(client, api, mode.runIds, mode.driver)
    } else if (mode.kind === 'action') {
      send({ type: 'done', ...(await performAction(api, mode.action, mode.runId)) })
    }
  } catch (error) {
    send({ type: 'error', message: (error as Error).message })
  }
}

function WidgetWindow() {
  const [connection, setConnection] = useState<Connection | null>(null)

  useEffect(() => {
    const stop = onMessage((message) => {
      if (message.type !== 'start') return
      stop()
      const services = createOpsServices(message.settings, widgetStoragePort())
      void services.client.auth.getSession().then(({ data }) => {
        const next = { mode: message.mode, services, signedIn: data.session !== null }
        setConnection(next)
        if (next.mode.kind === 'live' || next.mode.kind === 'action') void runHeadless(next)
      })
    })
    send({ type: 'ready' })
    return stop
  }, [])

  if (!connection)
    return (
      <div class={styles.window}>
        <LoadingIndicator />
      </div>
    )
  const { mode, services } = connection
  if (mode.kind === 'picker' || mode.kind === 'details') {
    if (!connection.signedIn)
      return (
        <div class={styles.window}>
          <SignIn client={services.client} onSignedIn={() => setConnection({ ...connection, signedIn: true })} />
        </div>
      )
    if (mode.kind === 'details')
      return (
        <ServicesContext.Provider value={services}>
          <Details runId={mode.runId} />
        </ServicesContext.Provider>
      )
    return (
      <div class={styles.window}>
        <Picker api={services.api} onPick={async (run) => send({ type: 'picked', snapshot: await readSnapshot(services.api, run.id) })} />
      </div>
    )
  }
  return null
}

export default render(WidgetWindow)
