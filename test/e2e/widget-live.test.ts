/**
 * The card's window in real Chromium against the local stack, served by the widget's own code.
 * The widget's code that opens and serves the window (widget/src/live/card-window.ts, bundled for
 * the stack's project) runs here in Node against the fake `figma`, keeping the window's session
 * in its clientStorage; the page stands in for FigJam: it shows the built window
 * (widget/build/ui.js) in a null-origin iframe as showUI handed it over, and relays the messages
 * both ways. Hidden, the window keeps a card live: a running run's progress reaches its card's
 * synced state, coalesced by the widget's throttled writer, and the window stops by itself once
 * the run has finished. Visible, it signs in with the plugin's panel, picks a run and opens one in
 * the plugin's log viewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { memoryStorageBackend } from '../../local/preview/fake-figma.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { memoryStorage, sessionClient, startTestStack, type TestStack } from '../support/stack.ts'
import { addTemplate, createRun, executorOptions } from '../support/executor.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'
import { STORAGE_KEYS } from '../../src/main/config.ts'
import { ThrottledWriter } from '../../widget/src/live/throttle.ts'
import { applySnapshot, type CardNode } from '../../widget/src/live/apply.ts'
import type { CardWindowHandlers, CardWindowOptions } from '../../widget/src/live/card-window.ts'
import type { RunSnapshot } from '../../widget/src/card/snapshot.ts'
import type { WindowMode } from '../../widget/src/messages.ts'
import { openCardWindow, type CardWindowHarnessOptions, type OpenedCardWindow } from '../widget/card-window-harness.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

const TEMPLATE = `version: 1
kind: check
title: Live card
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
${Array.from({ length: 8 }, (_, i) => `  - { id: w${i}, title: Wait ${i}, kind: wait, with: { duration: 150ms } }`).join('\n')}
`

/** What the stand-in page offers the widget's code. */
interface HostPage {
  showWindow(html: string, visible: boolean): void
  toWindow(message: unknown): void
}

/** The page standing in for FigJam: the widget's window in a sandboxed iframe, messages relayed. */
const HOST_PAGE = `<!doctype html><html><body>
<iframe id="window" sandbox="allow-scripts allow-downloads" style="display:none"></iframe>
<script>
  const frame = document.getElementById('window')
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow) return
    const message = event.data && event.data.pluginMessage
    if (message !== undefined) window.toWidget(message)
  })
  window.showWindow = (html, visible) => {
    frame.style.cssText = visible ? 'width:640px;height:640px;border:0' : 'display:none'
    frame.srcdoc = html
  }
  window.toWindow = (message) => frame.contentWindow.postMessage({ pluginMessage: message }, '*')
</script></body></html>`

/** A saved supabase-js session as the widget's code keeps it in figma.clientStorage. */
function clientStorageWith(session: Record<string, string>) {
  return memoryStorageBackend(Object.fromEntries(Object.entries(session).map(([key, value]) => [STORAGE_KEYS.session + key, value])))
}

const errorsNotified = (window: OpenedCardWindow) => window.host.notifications.filter((n) => n.options.error).map((n) => n.message)

describe('the widget’s window in Chromium', () => {
  let stack: TestStack
  let browser: LaunchedBrowser
  let server: Server

  /** A run owner whose session is saved, as the window will find it in figma.clientStorage. */
  async function signedInOwner() {
    const saved = memoryStorage()
    const owner = sessionClient(stack.url, stack.anonKey, saved)
    await owner.auth.signInAnonymously()
    return { saved, owner }
  }

  /**
   * The widget's code opens its window in `mode` (as a card's button or Go live would), shown in
   * the stand-in page. `fromWindow` lists every message the window sent, in order.
   */
  async function openWidgetWindow(
    mode: WindowMode,
    options: CardWindowOptions,
    handlers: CardWindowHandlers,
    harness: CardWindowHarnessOptions = {},
  ) {
    const page = await browser.context.newPage()
    const fromWindow: unknown[][] = []
    // The window speaks only once the widget's code has shown it.
    const shown: { widget?: OpenedCardWindow } = {}
    await page.exposeFunction('toWidget', (message: unknown[]) => {
      fromWindow.push(message)
      shown.widget!.host.sendToMain(message)
    })
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    // Into the page in the order the widget's code showed and posted them.
    let relay = Promise.resolve()
    const toPage = (step: () => Promise<void>) => {
      relay = relay.then(step).catch((error: unknown) => {
        if (!page.isClosed()) throw error
      })
    }
    const widget = await openCardWindow(mode, options, handlers, {
      ...harness,
      html: ui,
      project: { supabaseUrl: stack.url, anonKey: stack.anonKey },
      onShowUI: (html, shown) =>
        toPage(() =>
          page.evaluate(([html, visible]) => (window as unknown as HostPage).showWindow(html, visible), [
            html,
            shown.visible !== false,
          ] as const),
        ),
      onUiMessage: (message) => toPage(() => page.evaluate((message) => (window as unknown as HostPage).toWindow(message), message)),
    })
    shown.widget = widget
    return { page, widget, fromWindow, frame: page.frameLocator('#window') }
  }

  let ui: string
  beforeAll(async () => {
    ui = readFileSync(`${root}widget/build/ui.js`, 'utf8')
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(HOST_PAGE))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    stack = await startTestStack('pglite')
    await addTemplate(stack, 'live-card', TEMPLATE)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await stack?.stop()
    server?.close()
  })

  it('writes the run’s progress into its card, coalesced, and stops after the run finishes', async () => {
    const { saved, owner } = await signedInOwner()
    const runId = await createRun(owner, { template: 'live-card', title: 'Live card run' })

    // The card on the board, as widget code sees it.
    const card: CardNode & { writes: number } = {
      writes: 0,
      widgetSyncedState: { startedBy: 'Ana', snapshot: { runId, status: 'queued' } },
      setWidgetSyncedState(state) {
        this.widgetSyncedState = state
        this.writes++
      },
    }
    const received: RunSnapshot[] = []
    let finished = false
    const writer = new ThrottledWriter({
      intervalMs: 250,
      now: () => Date.now(),
      schedule: (fn, ms) => setTimeout(fn, ms),
      cancel: (t) => clearTimeout(t),
      write: (snapshot) => applySnapshot([card], snapshot),
    })

    const { page, widget, fromWindow } = await openWidgetWindow(
      { kind: 'live', runIds: [runId], driver: 'Ana' },
      { visible: false },
      {
        onSnapshot: (snapshot) => {
          received.push(snapshot)
          writer.offer(snapshot)
        },
        onFinished: () => {
          writer.flushAll()
          finished = true
        },
      },
      { storage: clientStorageWith(saved.entries()) },
    )

    const waitUntil = async (probe: () => boolean, what: string) => {
      for (let i = 0; i < 800 && !probe(); i++) await new Promise((r) => setTimeout(r, 25))
      if (!probe()) throw new Error(`timed out waiting for ${what}`)
    }
    await waitUntil(() => received.length > 0, 'the first snapshot of the queued run')
    expect(received[0]).toMatchObject({ runId, status: 'queued', driver: 'Ana' })

    const execution = execute(executorOptions(stack), { runId })
    await waitUntil(() => received.some((s) => s.status === 'running' && s.lines.length > 0), 'live progress')
    await execution
    await waitUntil(() => finished, 'the window to finish by itself')
    await widget.done
    expect(widget.host.closed).toBe(true)
    const said = fromWindow.map(([name]) => name)
    expect(said.slice(said.indexOf('LIVE_FINISHED'))).toEqual(['LIVE_FINISHED'])
    expect(errorsNotified(widget)).toEqual([])

    const final = card.widgetSyncedState.snapshot as RunSnapshot
    expect(final).toMatchObject({ runId, status: 'success', done: 8, driver: null })
    expect(final.lines.length).toBeGreaterThan(0)
    expect(card.widgetSyncedState.startedBy).toBe('Ana')
    // Many changes, few writes: the throttle coalesced them.
    expect(received.length).toBeGreaterThan(card.writes)
    expect(card.writes).toBeGreaterThan(1)
    const { data: run } = await owner.from('runs').select('last_seq').eq('id', runId).single()
    expect(received.at(-1)!.lines.at(-1)!.seq).toBe(run!.last_seq)
    await page.close()
  }, 120_000)

  it('picks a run from the signed-in person’s runs, searchable', async () => {
    const { saved, owner } = await signedInOwner()
    await createRun(owner, { template: 'live-card', title: 'Nightly backup check' })
    const wanted = await createRun(owner, { template: 'live-card', title: 'Release candidate rollout' })
    const picked: RunSnapshot[] = []
    const {
      page,
      widget,
      frame: window,
    } = await openWidgetWindow(
      { kind: 'picker' },
      { visible: true, title: 'Pick a run' },
      { onPicked: (snapshot) => picked.push(snapshot) },
      { storage: clientStorageWith(saved.entries()) },
    )
    await window.getByText('Nightly backup check').waitFor()
    await window.getByPlaceholder('Search runs').fill('release')
    await expect.poll(() => window.locator('ul button').count()).toBe(1)
    const button = window.locator('ul button', { hasText: 'Release candidate rollout' })
    // The window's own styles apply (a card per run), not just the component library's.
    expect(await button.evaluate((element) => getComputedStyle(element).borderRadius)).toBe('6px')
    await button.click()
    await widget.done
    expect(picked).toHaveLength(1)
    expect(picked[0]).toMatchObject({ runId: wanted, title: 'Release candidate rollout', status: 'queued' })
    await page.close()
  }, 60_000)

  it('opens a run in the plugin’s log viewer: live lines, status and Re-run', async () => {
    const { saved, owner } = await signedInOwner()
    const runId = await createRun(owner, { template: 'live-card', title: 'Viewer run' })
    const {
      page,
      widget,
      frame: window,
    } = await openWidgetWindow(
      { kind: 'details', runId },
      { visible: true, width: 640, height: 640 },
      {},
      { storage: clientStorageWith(saved.entries()) },
    )
    const viewer = window.locator(`[data-run-viewer="${runId}"]`)
    await viewer.waitFor()
    // The widget has its own cards and no tabs to go back to.
    expect(await window.locator('[data-back], [data-add-to-board]').count()).toBe(0)

    await execute(executorOptions(stack), { runId })
    await viewer.locator('[data-status="success"]').waitFor()
    const { data: run } = await owner.from('runs').select('last_seq').eq('id', runId).single()
    await expect.poll(() => viewer.locator('[data-seq]').last().getAttribute('data-seq')).toBe(String(run!.last_seq))
    expect((await viewer.locator('[data-message]').allTextContents()).some((text) => text.startsWith('Waited'))).toBe(true)

    // Re-run: the new run opens in the same window and runs (the viewer invokes the executor).
    await viewer.locator('[data-rerun]').click()
    const rerun = window.locator('[data-run-viewer]')
    await expect.poll(() => rerun.getAttribute('data-run-viewer')).not.toBe(runId)
    const newId = (await rerun.getAttribute('data-run-viewer'))!
    await rerun.locator('[data-status="success"]').waitFor()
    const { data: again } = await owner.from('runs').select('title, status, template_slug').eq('id', newId).single()
    expect(again).toEqual({ title: 'Viewer run', status: 'success', template_slug: 'live-card' })
    expect(errorsNotified(widget)).toEqual([])
    await page.locator('#window').screenshot({ path: `${root}test-results/screenshots/widget-open-log.png` })
    await page.close()
  }, 120_000)

  it('cancels a run from the log viewer', async () => {
    const { saved, owner } = await signedInOwner()
    const runId = await createRun(owner, { template: 'live-card', title: 'Run to cancel' })
    const { page, frame } = await openWidgetWindow(
      { kind: 'details', runId },
      { visible: true },
      {},
      { storage: clientStorageWith(saved.entries()) },
    )
    const viewer = frame.locator(`[data-run-viewer="${runId}"]`)
    await viewer.locator('[data-status="queued"]').waitFor()
    await viewer.locator('[data-cancel]').click()
    await viewer.locator('[data-status="canceled"]').waitFor()
    const { data: run } = await owner.from('runs').select('status').eq('id', runId).single()
    expect(run).toEqual({ status: 'canceled' })
    await page.close()
  }, 60_000)

  it('signs in with the plugin’s panel: a failed sign-in says why and frees the buttons', async () => {
    const storage = memoryStorageBackend()
    const { page, frame: window } = await openWidgetWindow({ kind: 'picker' }, { visible: true, title: 'Pick a run' }, {}, { storage })
    await window.getByRole('heading', { name: 'Sign in to see your runs' }).waitFor()
    // The widget uses the build's project: no settings to open.
    expect(await window.getByText('Supabase settings…').count()).toBe(0)
    await window.locator('[data-email]').fill('nobody@example.com')
    await window.locator('[data-password]').fill('not-the-password')
    await window.getByRole('button', { name: 'Sign in', exact: true }).click()
    const alert = window.getByRole('alert')
    await alert.waitFor({ timeout: 15_000 })
    expect(await alert.textContent()).toBe('Invalid login credentials')
    expect(await window.locator('button:disabled').count()).toBe(0)

    // The buttons work again: continuing without an account shows the (empty) picker.
    await window.locator('[data-sign-in-anonymous]').click()
    await window.getByText('You have no runs yet.', { exact: false }).waitFor()
    expect(storage.keys()).toEqual([`${STORAGE_KEYS.session}sb-127-auth-token`])
    await page.close()
  }, 60_000)

  it('a sign-in that throws (the widget cannot keep the session) says why and frees the buttons', async () => {
    // Too little clientStorage for a session: supabase-js throws from inside sign-in.
    const { page, frame: window } = await openWidgetWindow({ kind: 'picker' }, { visible: true }, {}, { storageQuotaBytes: 300 })
    const anonymous = window.locator('[data-sign-in-anonymous]')
    await anonymous.click()
    const alert = window.getByRole('alert')
    await alert.waitFor({ timeout: 15_000 })
    expect(await alert.textContent()).toMatch(/^Session storage failed .*quota/)
    expect(await anonymous.isEnabled()).toBe(true)
    // Not busy: with an email and a password every button can be used.
    await window.locator('[data-email]').fill('ana@example.com')
    await window.locator('[data-password]').fill('a-password')
    expect(await window.locator('button:disabled').count()).toBe(0)
    await page.close()
  }, 60_000)
})
