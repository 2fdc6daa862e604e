/** @jsx h */
/**
 * The card's window. Visible to pick a run or show one; hidden to keep cards live and to act on
 * a run. It has the network (supabase-js); the widget code keeps its session in
 * figma.clientStorage (through the plugin's own storage port) and owns the cards' synced state.
 * create-figma-plugin calls the default export with showUI's data: the mode and the settings.
 */
import { h } from 'preact'
import { useEffect, useMemo } from 'preact/hooks'
import { LoadingIndicator, render } from '@create-figma-plugin/ui'
import { emit } from '@create-figma-plugin/utilities'
import '!../../src/ui/app/global.css'
import { describeDocument } from '../../src/ui/app/describe-document.ts'
import { SignInPanel } from '../../src/ui/components/sign-in-panel/sign-in-panel.tsx'
import { useSession } from '../../src/ui/hooks/use-session.ts'
import { createOpsServices, type OpsServices } from '../../src/ui/services/ops-services.ts'
import { ServicesContext } from '../../src/ui/services/services-context.ts'
import type { ActionDoneHandler, ButtonDoneHandler, CardWindowProps, RunPickedHandler, WindowErrorHandler, WindowMode } from './messages.ts'
import { performAction } from './window/actions.ts'
import { Details } from './window/details.tsx'
import { Picker } from './window/picker.tsx'
import { PlaceButton } from './window/place-button.tsx'
import { Review } from './window/review.tsx'
import { ButtonSecrets } from './window/button-secrets.tsx'
import { checkButton, pressButton, updateButton } from './window/runbook-buttons.ts'
import { readSnapshot } from './window/run-snapshot.ts'
import { streamLiveRuns } from './window/stream-live-runs.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import styles from './window/window.css'

type ButtonMode = Extract<WindowMode, { kind: 'button' }>
type HeadlessMode = Extract<WindowMode, { kind: 'live' | 'action' }> | ButtonMode
type ScreenMode = Exclude<WindowMode, HeadlessMode> | ButtonMode

/** A button press needs a screen only to ask for its secret inputs. */
const isHeadless = (mode: WindowMode): mode is HeadlessMode =>
  mode.kind === 'live' ||
  mode.kind === 'action' ||
  (mode.kind === 'button' && (mode.action !== 'run' || mode.button.secretKeys.length === 0))

/** The modes without a screen: keeping cards live, and one action on a run. */
async function runHeadless(mode: HeadlessMode, { client, api }: OpsServices): Promise<void> {
  try {
    const { data } = await client.auth.getSession()
    if (!data.session) throw new Error('Sign in from the card first (Pick a run) to keep it live or act on it.')
    if (mode.kind === 'live') {
      streamLiveRuns(client, api, mode.runIds)
    } else if (mode.kind === 'button') {
      const act = { run: pressButton, check: checkButton, update: updateButton }[mode.action]
      emit<ButtonDoneHandler>('BUTTON_DONE', await act(client, mode.button))
    } else {
      emit<ActionDoneHandler>('ACTION_DONE', await performAction(api, mode.action, mode.runId))
    }
  } catch (error) {
    emit<WindowErrorHandler>('WINDOW_ERROR', errorMessage(error))
  }
}

function Headless(props: { mode: HeadlessMode; services: OpsServices }) {
  useEffect(() => void runHeadless(props.mode, props.services), [])
  return null
}

/** Picking a run and showing one need the person's own session: the plugin's sign-in panel asks for it. */
function Screen({ mode, services }: { mode: ScreenMode; services: OpsServices }) {
  const session = useSession(services.client)
  let content
  if (session.status === 'loading') {
    content = (
      <div class={styles.window}>
        <LoadingIndicator />
      </div>
    )
  } else if (session.status === 'signed-out') {
    content = (
      <div class={styles.window}>
        <SignInPanel
          error={session.error}
          title="Sign in to see your runs"
          intro="Use the account you use in the Ops Control Room plugin: you see the runs and templates of your workspaces, your teammates' too, and the card keeps its own session."
        />
      </div>
    )
  } else if (mode.kind === 'details') {
    content = <Details runId={mode.runId} />
  } else if (mode.kind === 'review') {
    content = (
      <div class={styles.window}>
        <Review services={services} runId={mode.runId} />
      </div>
    )
  } else if (mode.kind === 'place-button') {
    content = (
      <div class={styles.window}>
        <PlaceButton services={services} />
      </div>
    )
  } else if (mode.kind === 'button') {
    content = (
      <div class={styles.window}>
        <ButtonSecrets client={services.client} button={mode.button} />
      </div>
    )
  } else {
    content = (
      <div class={styles.window}>
        <Picker
          client={services.client}
          onPick={async (run) => emit<RunPickedHandler>('RUN_PICKED', await readSnapshot(services.api, run.id))}
        />
      </div>
    )
  }
  return <ServicesContext.Provider value={services}>{content}</ServicesContext.Provider>
}

function CardWindow({ mode, settings }: CardWindowProps) {
  // The session goes through the plugin's storage port (createOpsServices' default) to the widget code.
  const services = useMemo(() => createOpsServices(settings), [])
  if (isHeadless(mode)) return <Headless mode={mode} services={services} />
  return <Screen mode={mode} services={services} />
}

describeDocument('Ops Run Card')

export default render(CardWindow)
