/**
 * Go live: this client's code becomes the driver of every card on the page whose run is
 * unfinished and that nobody else keeps live, and a hidden window streams those runs. The session
 * lasts until every run has finished, the window cannot go on (signed out), or no card is the
 * driver's any more (someone switched live off); the code stays alive meanwhile because the click
 * handler waits for it. FigJam may also stop the code at any moment: then nothing here runs again,
 * and the cards' heartbeat tells everyone (card-state.ts).
 */
import { openCardWindow } from './card-window.ts'
import type { CardNode } from './apply.ts'
import { LiveDriver, type Driver } from './live-driver.ts'

type Timer = ReturnType<typeof setTimeout>

/** The driver this run of the widget's code is running, if any: a card clicked meanwhile may stop it. */
let active: LiveDriver<Timer> | null = null

export function activeDriver(): LiveDriver<Timer> | null {
  return active
}

export async function goLive(me: Driver, cards: () => readonly CardNode[]): Promise<void> {
  const driver = new LiveDriver<Timer>({
    me,
    cards,
    now: () => Date.now(),
    schedule: (callback, ms) => setTimeout(callback, ms),
    cancel: (handle) => clearTimeout(handle),
    // Only once the session is open: the driver does nothing before the window sends to it.
    onIdle: () => session.close(),
  })
  const runIds = driver.start()
  if (runIds.length === 0) {
    figma.notify('There is nothing to keep live: every run shown on this page has finished, or someone else keeps it live.')
    return
  }
  active = driver
  const session = openCardWindow(
    { kind: 'live', runIds },
    { visible: false },
    {
      onSnapshot: (snapshot, complete) => driver.offer(snapshot, complete),
      onProblem: (runId, problem) => driver.problem(runId, problem),
      onEnd: () => {
        if (active === driver) active = null
        driver.end()
      },
    },
  )
  await session
}
