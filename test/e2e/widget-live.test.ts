/**
 * The widget's window in real Chromium against the local stack. Hidden, it keeps a card live: a
 * running run's progress reaches its card's synced state, coalesced by the widget's throttled
 * writer, and the window stops by itself once the run has finished. Visible, it picks a run and
 * opens one in the plugin's log viewer. The page stands in for FigJam: it shows the built widget
 * window in a null-origin iframe and relays its messages to the widget code, which runs here in
 * Node (the throttled writer and the card writes of widget/src/live).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { memoryStorage, sessionClient, startTestStack, type TestStack } from '../support/stack.ts'
import { addTemplate, createRun, executorOptions } from '../support/executor.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'
import { ThrottledWriter } from '../../widget/src/live/throttle.ts'
import { applySnapshot, type CardNode } from '../../widget/src/live/apply.ts'
import type { RunSnapshot } from '../../widget/src/card/snapshot.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

type WidgetMessage = { type: string; snapshot?: RunSnapshot; message?: string }

const TEMPLATE = `version: 1
kind: check
title: Live card
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
steps:
${Array.from({ length: 8 }, (_, i) => `  - { id: w${i}, title: Wait ${i}, kind: wait, with: { duration: 150ms } }`).join('\n')}
`

/** The page standing in for FigJam: the widget window in a sandboxed iframe, messages relayed. */
function hostPage(ui: string, visible: boolean): string {
  const frame = `<div id="create-figma-plugin"></div><script>document.body.classList.add('theme-figjam');const __FIGMA_COMMAND__='';const __SHOW_UI_DATA__={};${ui}</script>`
  return `<!doctype html><html><body>
<iframe id="window" sandbox="allow-scripts allow-downloads" style="${visible ? 'width:640px;height:640px;border:0' : 'display:none'}"></iframe>
<script>
  const frame = document.getElementById('window')
  const storage = new Map()
  const toWindow = (message) => frame.contentWindow.postMessage({ pluginMessage: message }, '*')
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow) return
    const message = event.data && event.data.pluginMessage
    if (!message) return
    if (message.type === 'ready') {
      const config = await window.widgetStart()
      for (const [key, value] of Object.entries(config.storage)) storage.set(key, value)
      toWindow({ type: 'start', mode: config.mode, settings: config.settings })
    } else if (message.type === 'storage') {
      if (message.op === 'set') storage.set(message.key, message.value)
      if (message.op === 'remove') storage.delete(message.key)
      toWindow({ type: 'storage-result', requestId: message.requestId, value: message.op === 'get' ? (storage.get(message.key) ?? null) : undefined })
    } else {
      window.widgetMessage(message)
    }
  })
  frame.srcdoc = ${JSON.stringify(frame).replaceAll('<', '\\u003c')}
</script></body></html>`
}

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

  /** The widget window in the stand-in page, started in `mode` with a saved session. */
  async function openWidgetWindow(
    visible: boolean,
    mode: object,
    storage: Record<string, string>,
    onMessage: (message: WidgetMessage) => void,
  ) {
    const page = await browser.context.newPage()
    await page.exposeFunction('widgetStart', () => ({ mode, settings: { supabaseUrl: stack.url, anonKey: stack.anonKey }, storage }))
    await page.exposeFunction('widgetMessage', onMessage)
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${visible ? 'visible' : 'hidden'}`)
    return page
  }

  beforeAll(async () => {
    const ui = readFileSync(`${root}widget/build/ui.js`, 'utf8')
    const pages: Record<string, string> = { '/hidden': hostPage(ui, false), '/visible': hostPage(ui, true) }
    server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pages[req.url ?? ''] ?? ''))
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
      cancel: (t) => clearTimeout(t as number),
      write: (snapshot) => applySnapshot([card], snapshot),
    })

    const page = await openWidgetWindow(false, { kind: 'live', runIds: [runId], driver: 'Ana' }, saved.entries(), (message) => {
      if (message.type === 'snapshot') {
        if (finished) throw new Error('a snapshot arrived after the window said it had finished')
        received.push(message.snapshot!)
        writer.offer(message.snapshot!)
      } else if (message.type === 'finished') {
        writer.flushAll()
        finished = true
      } else if (message.type === 'error') {
        throw new Error(`the window reported: ${message.message}`)
      }
    })

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
    const page = await openWidgetWindow(true, { kind: 'picker' }, saved.entries(), (message) => {
      if (message.type === 'picked') picked.push(message.snapshot!)
    })
    const window = page.frameLocator('#window')
    await window.getByText('Nightly backup check').waitFor()
    await window.getByPlaceholder('Search runs').fill('release')
    await expect.poll(() => window.locator('ul button').count()).toBe(1)
    const button = window.locator('ul button', { hasText: 'Release candidate rollout' })
    // The window's own styles apply (a card per run), not just the component library's.
    expect(await button.evaluate((element) => getComputedStyle(element).borderRadius)).toBe('6px')
    await button.click()
    await expect.poll(() => picked.length).toBe(1)
    expect(picked[0]).toMatchObject({ runId: wanted, title: 'Release candidate rollout', status: 'queued' })
    await page.close()
  }, 60_000)

  it('opens a run in the plugin’s log viewer: live lines, status and Re-run', async () => {
    const { saved, owner } = await signedInOwner()
    const runId = await createRun(owner, { template: 'live-card', title: 'Viewer run' })
    const errors: string[] = []
    const page = await openWidgetWindow(true, { kind: 'details', runId }, saved.entries(), (message) => {
      if (message.type === 'error') errors.push(message.message!)
    })
    const window = page.frameLocator('#window')
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
    expect(errors).toEqual([])
    await page.locator('#window').screenshot({ path: `${root}test-results/screenshots/widget-open-log.png` })
    await page.close()
  }, 120_000)

  it('cancels a run from the log viewer', async () => {
    const { saved, owner } = await signedInOwner()
    const runId = await createRun(owner, { template: 'live-card', title: 'Run to cancel' })
    const page = await openWidgetWindow(true, { kind: 'details', runId }, saved.entries(), () => {})
    const viewer = page.frameLocator('#window').locator(`[data-run-viewer="${runId}"]`)
    await viewer.locator('[data-status="queued"]').waitFor()
    await viewer.locator('[data-cancel]').click()
    await viewer.locator('[data-status="canceled"]').waitFor()
    const { data: run } = await owner.from('runs').select('status').eq('id', runId).single()
    expect(run).toEqual({ status: 'canceled' })
    await page.close()
  }, 60_000)
})
