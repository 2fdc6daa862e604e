/**
 * The widget's code serving a card's window, against the fake `figma`: it opens the window with
 * what it is for, serves the window's session with the plugin's own storage server (same key
 * prefix, same size limit, same answers), hands the window's results to the card and closes, and
 * reports what it cannot do with a notification instead of throwing into FigJam's console.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { memoryStorageBackend } from '../../local/preview/fake-figma.ts'
import { LOCAL_PUBLISHABLE_KEY } from '../../local/api-keys.ts'
import { LOCAL_SUPABASE_URL } from '../../src/build-settings.ts'
import { createMessageStorage } from '../../src/client/storage.ts'
import { MAX_SESSION_VALUE_CHARS } from '../../src/main/config.ts'
import type { RunSnapshot } from '../../widget/src/card/snapshot.ts'
import type { ActionResult } from '../../widget/src/messages.ts'
import { poll, startPlugin, type RunningPlugin } from '../plugin/harness.ts'
import { openCardWindow, type OpenedCardWindow } from './card-window-harness.ts'
import { snapshot } from './fixtures.ts'

const opened: (OpenedCardWindow | RunningPlugin)[] = []
afterEach(() => {
  for (const side of opened.splice(0)) side.host.close()
})

async function open(...args: Parameters<typeof openCardWindow>) {
  const window = await openCardWindow(...args)
  opened.push(window)
  return window
}

const errorsNotified = (window: OpenedCardWindow) => window.host.notifications.filter((n) => n.options.error).map((n) => n.message)

describe('opening a card window', () => {
  it('shows the themed window with what it is for and the build’s project', async () => {
    const window = await open({ kind: 'picker' }, { visible: true, title: 'Pick a run' })
    expect(window.host.ui!.options).toEqual({ visible: true, title: 'Pick a run', width: 380, height: 520, themeColors: true })
    expect(window.host.ui!.html).toContain("document.body.classList.add('theme-figjam')")
    expect(window.props()).toEqual({
      mode: { kind: 'picker' },
      settings: { supabaseUrl: LOCAL_SUPABASE_URL, anonKey: LOCAL_PUBLISHABLE_KEY },
    })
  })

  it('opens a hidden window to keep cards live', async () => {
    const window = await open({ kind: 'live', runIds: ['run-1', 'run-2'] }, { visible: false })
    expect(window.host.ui!.visible).toBe(false)
    expect(window.props().mode).toEqual({ kind: 'live', runIds: ['run-1', 'run-2'] })
  })
})

describe('the window’s session storage', () => {
  const key = 'sb-127-auth-token'
  /** Requests as the window sends them, good and bad, in order. */
  const requests: [string, string, ...unknown[]][] = [
    ['STORAGE_GET', 'r1', key],
    ['STORAGE_SET', 'r2', key, '{"access_token":"a"}'],
    ['STORAGE_GET', 'r3', key],
    ['STORAGE_SET', 'r4', key, 'x'.repeat(MAX_SESSION_VALUE_CHARS + 1)],
    ['STORAGE_GET', 'r5', key],
    ['STORAGE_SET', 'r6', key, 42],
    ['STORAGE_GET', 'r7', ''],
    ['STORAGE_GET', 'r8', 'x'.repeat(201)],
    ['STORAGE_REMOVE', 'r9', key],
    ['STORAGE_GET', 'r10', key],
  ]

  async function answers(side: OpenedCardWindow | RunningPlugin) {
    const results: unknown[][] = []
    for (const [name, requestId, ...args] of requests) {
      side.emit(name, requestId, ...args)
      results.push(await side.waitFor('STORAGE_RESULT', ([id]) => id === requestId))
    }
    return results
  }

  it('answers every request exactly as the plugin’s main thread does', async () => {
    const plugin = await startPlugin()
    opened.push(plugin)
    const window = await open({ kind: 'picker' }, { visible: true })
    const expected = await answers(plugin)
    expect(await answers(window)).toEqual(expected)
    // The answers themselves: the value round-trips, an oversize one is refused and the old kept.
    const token = '{"access_token":"a"}'
    expect(expected.map(([, , value]) => value)).toEqual([
      null,
      undefined,
      token,
      undefined,
      token,
      undefined,
      undefined,
      undefined,
      undefined,
      null,
    ])
    expect(expected[3][3]).toBe(
      `the value for "${key}" has ${MAX_SESSION_VALUE_CHARS + 1} characters; at most ${MAX_SESSION_VALUE_CHARS} are kept`,
    )
    expect(expected[5][3]).toBe(`the value for "${key}" must be a string, got number`)
    expect(expected[6][3]).toMatch(/storage key must be a string of 1 to 200 characters/)
    expect(expected[7][3]).toMatch(/storage key must be a string of 1 to 200 characters/)
  })

  it('keeps the session under the plugin’s key prefix, where it cannot reach other keys', async () => {
    const storage = memoryStorageBackend({ 'window-size': { width: 400, height: 500 } })
    const window = await open({ kind: 'picker' }, { visible: true }, {}, { storage })
    window.emit('STORAGE_SET', 'r1', key, 'token')
    await window.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')
    expect(storage.keys()).toEqual(['window-size', `session:${key}`])
    window.emit('STORAGE_GET', 'r2', 'window-size')
    expect(await window.waitFor('STORAGE_RESULT', ([id]) => id === 'r2')).toEqual(['STORAGE_RESULT', 'r2', null])
    window.emit('STORAGE_REMOVE', 'r3', 'window-size')
    await window.waitFor('STORAGE_RESULT', ([id]) => id === 'r3')
    expect(storage.get('window-size')).toBeDefined()
  })

  it('keeps a session an earlier build saved under the unprefixed key, so nobody signs in again', async () => {
    const storage = memoryStorageBackend({ [key]: 'earlier-token', 'window-size': { width: 1, height: 1 } })
    const window = await open({ kind: 'picker' }, { visible: true }, {}, { storage })
    window.emit('STORAGE_GET', 'r1', key)
    expect(await window.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')).toEqual(['STORAGE_RESULT', 'r1', 'earlier-token'])
    expect(storage.keys().sort()).toEqual([`session:${key}`, 'window-size'])
  })

  it('prefers a session saved since the upgrade over an earlier build’s', async () => {
    const storage = memoryStorageBackend({ [key]: 'earlier-token', [`session:${key}`]: 'current-token' })
    const window = await open({ kind: 'picker' }, { visible: true }, {}, { storage })
    window.emit('STORAGE_GET', 'r1', key)
    expect(await window.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')).toEqual(['STORAGE_RESULT', 'r1', 'current-token'])
    expect(storage.keys()).toEqual([`session:${key}`])
  })

  it('passes a clientStorage failure (the quota) back to the request', async () => {
    const window = await open({ kind: 'picker' }, { visible: true }, {}, { storageQuotaBytes: 1000 })
    window.emit('STORAGE_SET', 'big', key, 'x'.repeat(2000))
    const [, , value, error] = await window.waitFor('STORAGE_RESULT', ([id]) => id === 'big')
    expect(value).toBeUndefined()
    expect(error).toMatch(/quota/)
  })

  it('serves the window’s message storage adapter, the plugin UI’s own', async () => {
    const window = await open({ kind: 'picker' }, { visible: true })
    const storage = createMessageStorage(window.storagePort())
    expect(await storage.getItem('k')).toBeNull()
    await Promise.all([storage.setItem('a', '1'), storage.setItem('b', '2')])
    expect(await Promise.all([storage.getItem('a'), storage.getItem('b')])).toEqual(['1', '2'])
    await storage.removeItem('a')
    expect(await storage.getItem('a')).toBeNull()
    storage.dispose()
  })
})

describe('what the window sends back', () => {
  const picture: RunSnapshot = snapshot({}, 'running')

  it('puts the picked run on the card and closes', async () => {
    const picked: RunSnapshot[] = []
    const window = await open({ kind: 'picker' }, { visible: true }, { onPicked: (run) => picked.push(run) })
    window.emit('RUN_PICKED', picture)
    await window.done
    expect(picked).toEqual([picture])
    expect(window.host.closed).toBe(true)
  })

  it('passes live pictures and passing problems on, until every run has finished; the session ends before the code closes', async () => {
    const seen: string[] = []
    const window = await open(
      { kind: 'live', runIds: [picture.runId] },
      { visible: false },
      {
        onSnapshot: (run) => seen.push(`picture ${run.status}`),
        onProblem: (runId, problem) => seen.push(`problem ${runId} ${problem}`),
        onEnd: () => seen.push(`end (closed: ${window.host.closed})`),
      },
    )
    window.emit('LIVE_SNAPSHOT', picture)
    window.emit('LIVE_PROBLEM', picture.runId, 'Failed to fetch')
    window.emit('LIVE_PROBLEM', picture.runId, null)
    window.emit('LIVE_SNAPSHOT', { ...picture, status: 'success' })
    await poll(() => (seen.length === 4 ? true : undefined), 'four messages')
    // A passing problem never ends the session.
    expect(window.host.closed).toBe(false)
    window.emit('LIVE_FINISHED')
    await window.done
    expect(seen).toEqual([
      'picture running',
      'problem run-1 Failed to fetch',
      'problem run-1 null',
      'picture success',
      'end (closed: false)',
    ])
    expect(window.host.closed).toBe(true)
    expect(errorsNotified(window)).toEqual([])
  })

  it.each([
    ['a hidden window’s error', (window: OpenedCardWindow) => window.emit('WINDOW_ERROR', 'Live updates stopped: signed out.')],
    ['the widget’s side closing it', (window: OpenedCardWindow) => window.close()],
  ])('ends the session before the code closes on %s', async (_, end) => {
    const ends: boolean[] = []
    const window = await open({ kind: 'live', runIds: [picture.runId] }, { visible: false }, { onEnd: () => ends.push(window.host.closed) })
    end(window)
    await window.done
    expect(ends).toEqual([false])
    expect(window.host.closed).toBe(true)
  })

  it('notifies what the session could not write at its end, and still closes', async () => {
    const window = await open(
      { kind: 'live', runIds: [picture.runId] },
      { visible: false },
      {
        onEnd: () => {
          throw new Error('the card was deleted')
        },
      },
    )
    window.emit('LIVE_FINISHED')
    await window.done
    expect(errorsNotified(window)).toEqual(['Could not write the last updates into the cards: the card was deleted'])
    expect(window.host.closed).toBe(true)
  })

  it('waits for the card to take an action’s result before closing', async () => {
    const results: ActionResult[] = []
    let closedWhileUpdating: boolean | undefined
    const window = await open(
      { kind: 'action', action: 'refresh', runId: picture.runId },
      { visible: false },
      {
        onDone: async (result) => {
          await new Promise((resolve) => setTimeout(resolve, 20))
          closedWhileUpdating = window.host.closed
          results.push(result)
        },
      },
    )
    window.emit('ACTION_DONE', { snapshot: picture })
    await window.done
    expect(results).toEqual([{ snapshot: picture }])
    expect(closedWhileUpdating).toBe(false)
  })

  it('notifies a card update that failed, then closes', async () => {
    const seen: string[] = []
    const window = await open(
      { kind: 'action', action: 'rerun', runId: picture.runId },
      { visible: false },
      { onDone: () => Promise.reject(new Error('the card was deleted')) },
      { onNotify: (notification) => seen.push(notification.message), onClose: () => seen.push('closed') },
    )
    window.emit('ACTION_DONE', { started: picture })
    await window.done
    expect(seen).toEqual(['Could not update the card: the card was deleted', 'closed'])
  })

  it('notifies a hidden window’s error and closes it; a visible window stays open', async () => {
    const hidden = await open({ kind: 'live', runIds: ['run-1'] }, { visible: false })
    hidden.emit('WINDOW_ERROR', 'Sign in from the card first')
    await hidden.done
    expect(errorsNotified(hidden)).toEqual(['Sign in from the card first'])

    const visible = await open({ kind: 'details', runId: 'run-1' }, { visible: true })
    visible.emit('WINDOW_ERROR', 'Live updates for Deploy: offline')
    await poll(() => (errorsNotified(visible).length > 0 ? true : undefined), 'the notification')
    expect(errorsNotified(visible)).toEqual(['Live updates for Deploy: offline'])
    expect(visible.host.closed).toBe(false)
  })

  it('notifies a message it does not handle, names the ones it does, and keeps serving', async () => {
    const window = await open({ kind: 'picker' }, { visible: true })
    window.emit('LAUNCH_ROCKET', 1)
    window.emit('STORAGE_GET', 'r1', 'k')
    await window.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')
    const [message] = errorsNotified(window)
    expect(message).toMatch(/does not handle "LAUNCH_ROCKET" messages/)
    expect(message).toContain(
      'ACTION_DONE, BUTTON_DONE, BUTTON_PLACED, LIVE_FINISHED, LIVE_PROBLEM, LIVE_SNAPSHOT, RUN_PICKED, STORAGE_GET, STORAGE_REMOVE, STORAGE_SET, WINDOW_ERROR',
    )
    expect(window.host.errors).toEqual([])
    expect(window.host.closed).toBe(false)
  })
})
