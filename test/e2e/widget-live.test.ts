/**
 * The card's window in real Chromium against the local stack, served by the widget's own code.
 * The widget's code (bundled for the stack's project) runs here in Node under the strict widget
 * fake, keeping the window's session in its clientStorage; the page stands in for FigJam: it shows
 * the built window (widget/build/ui.js) in a null-origin iframe as showUI handed it over, and
 * relays the messages both ways. Hidden, the window keeps a card live: a running run's progress
 * reaches the card's synced state, coalesced by the driver's throttle, with log lines only where
 * the run's workspace lets boards show details; a passing network failure
 * shows on the card and never ends the session; the session ends by itself once the run has
 * finished. Visible, it signs in with the plugin's panel, picks a run and opens one in the
 * plugin's log viewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page, WebSocketRoute } from 'playwright-core'
import { memoryStorageBackend, type ClientStorageBackend } from '../../local/preview/fake-figma.ts'
import { axeFindings } from './support/axe.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { memoryStorage, sessionClient, startTestStack, type TestStack } from '../support/stack.ts'
import { addTemplate, createRun, executorOptions } from '../support/executor.ts'
import { execute } from '../../supabase/functions/_shared/executor/engine.ts'
import { STORAGE_KEYS } from '../../src/main/config.ts'
import type { CardWindowHandlers, CardWindowOptions } from '../../widget/src/live/card-window.ts'
import type { RunSnapshot } from '../../widget/src/card/snapshot.ts'
import type { ButtonResult, WindowMode } from '../../widget/src/messages.ts'
import { openCardWindow, widgetCodeBundle, type CardWindowHarnessOptions, type OpenedCardWindow } from '../widget/card-window-harness.ts'
import { builtWidget, FakeBoard, FakeFigJamClient, type FakeWidgetNode } from '../widget/fake-widget.ts'
import { card, snapshot } from '../widget/fixtures.ts'
import type { RunbookButton } from '../../widget/src/card/runbook-button.ts'
import { createTeamWorkspace, joinWorkspace } from '../support/team-workspace.ts'
import { apiIn } from '../../widget/src/window/team.ts'

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
const errors = (client: FakeFigJamClient) => client.notifications.filter((n) => n.options.error).map((n) => n.message)

/** What the widget's code shows and posts, into the page, in the order it did so. */
function pageRelay(page: Page) {
  let relay = Promise.resolve()
  const toPage = (step: () => Promise<void>) => {
    relay = relay.then(step).catch((error: unknown) => {
      if (!page.isClosed()) throw error
    })
  }
  return {
    onShowUI: (html: string, shown: { visible?: boolean }) =>
      toPage(() =>
        page.evaluate(([html, visible]) => (window as unknown as HostPage).showWindow(html, visible), [
          html,
          shown.visible !== false,
        ] as const),
      ),
    onUiMessage: (message: unknown) => toPage(() => page.evaluate((message) => (window as unknown as HostPage).toWindow(message), message)),
  }
}

async function waitUntil(probe: () => boolean, what: string) {
  for (let i = 0; i < 800 && !probe(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
  if (!probe()) throw new Error(`timed out waiting for ${what}`)
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
    const widget = await openCardWindow(mode, options, handlers, {
      ...harness,
      html: ui,
      project: { supabaseUrl: stack.url, anonKey: stack.anonKey },
      ...pageRelay(page),
    })
    shown.widget = widget
    return { page, widget, fromWindow, frame: page.frameLocator('#window') }
  }

  /** The window's view passes axe-core with no critical or serious finding (Figma's theme colours excepted). */
  async function expectAccessible(page: Page, view: string): Promise<void> {
    const frame = await (await page.waitForSelector('#window')).contentFrame()
    if (frame === null) throw new Error('the widget window has no content frame')
    expect(await axeFindings(frame), `axe findings in ${view}`).toEqual([])
  }

  let ui: string
  beforeAll(async () => {
    ui = readFileSync(`${root}widget/build/ui.js`, 'utf8')
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(HOST_PAGE))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    stack = await startTestStack('pglite', { functionsRuntime: 'deno' })
    await addTemplate(stack, 'live-card', TEMPLATE)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await stack?.stop()
    server?.close()
  })

  /**
   * A board with one card showing `runId`, and Ana's FigJam running the widget's code, its
   * window shown in the stand-in page. `fromWindow` lists every message the window sent, in order.
   */
  async function boardInChromium(runId: string, storage: ClientStorageBackend) {
    const page = await browser.context.newPage()
    const fromWindow: unknown[][] = []
    const { manifest } = builtWidget()
    const widget = { code: await widgetCodeBundle({ supabaseUrl: stack.url, anonKey: stack.anonKey }), html: ui, manifest }
    const board = new FakeBoard(manifest.id)
    const node = board.addCard({ state: { ...card(snapshot({ runId }, 'queued')) } })
    const ana = new FakeFigJamClient(board, widget, { id: 'u-ana', name: 'Ana', sessionId: 7 }, { storage, relay: pageRelay(page) })
    await page.exposeFunction('toWidget', (message: unknown[]) => {
      fromWindow.push(message)
      ana.run!.host.sendToMain(message)
    })
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    return { page, board, node, ana, fromWindow }
  }

  const shown = (node: FakeWidgetNode) => node.stored.state.snapshot as RunSnapshot
  const liveness = (node: FakeWidgetNode) => node.stored.state.live as { driver: string; problem: string | null } | null

  it('writes the run’s progress into its card, coalesced, without its log (the workspace’s default), and stops after the run finishes', async () => {
    const { saved, owner } = await signedInOwner()
    const runId = await createRun(owner, { template: 'live-card', title: 'Live card run' })
    const { page, node, ana, fromWindow } = await boardInChromium(runId, clientStorageWith(saved.entries()))
    const session = ana.menu(node, 'live')

    await waitUntil(() => shown(node).title === 'Live card run', 'the first picture of the queued run')
    expect(shown(node)).toMatchObject({ runId, status: 'queued' })
    expect(liveness(node)).toMatchObject({ driver: 'Ana', problem: null })

    const execution = execute(executorOptions(stack), { runId })
    await waitUntil(() => shown(node).status === 'running' && shown(node).done > 0, 'live progress')
    await execution
    await session
    expect(ana.run!.ended).toBe('closePlugin')
    const said = fromWindow.map(([name]) => name)
    expect(said).not.toContain('WINDOW_ERROR')
    expect(errors(ana)).toEqual([])

    const final = shown(node)
    const { data: workspace } = await owner.rpc('ensure_personal_workspace')
    // Who started it by their name in the workspace; no log line, summary or artifact on the board.
    expect(final).toMatchObject({
      runId,
      status: 'success',
      done: 8,
      workspaceId: workspace,
      boardDetails: false,
      lines: [],
      summary: null,
    })
    expect(final.startedBy).toMatch(/^Guest [0-9a-f]{4}$/)
    expect(final.steps.every((step) => step.title === step.id)).toBe(true)
    expect(JSON.stringify(node.stored.state)).not.toContain('Waited')
    expect(liveness(node)).toBeNull()
    // Many changes, few writes: the throttle coalesced them.
    const pictures = said.filter((name) => name === 'LIVE_SNAPSHOT').length
    expect(pictures).toBeGreaterThan(node.writes)
    await page.close()
  }, 120_000)

  it('keeps the session through a network failure: the card says it is retrying, then the run finishes live, with its log', async () => {
    const { saved, owner } = await signedInOwner()
    // This workspace lets boards show details: the card carries the last lines.
    const { data: workspace } = await owner.rpc('ensure_personal_workspace')
    await owner.rpc('set_board_details', { p_workspace: workspace!, p_enabled: true }).throwOnError()
    const runId = await createRun(owner, { template: 'live-card', title: 'Run through an outage' })
    const { page, node, ana, fromWindow } = await boardInChromium(runId, clientStorageWith(saved.entries()))
    // The window's network, switched off and on: REST requests fail, realtime sockets are dropped.
    let offline = false
    let refused = 0
    const sockets: WebSocketRoute[] = []
    await page.route('**/rest/v1/**', (route) => {
      if (!offline) return route.continue()
      refused++
      return route.abort('internetdisconnected')
    })
    await page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
      if (offline) return socket.close()
      socket.connectToServer()
      sockets.push(socket)
    })
    const session = ana.menu(node, 'live')
    await waitUntil(() => shown(node).title === 'Run through an outage', 'the first picture')

    offline = true
    for (const socket of sockets.splice(0)) await socket.close()
    await waitUntil(() => typeof liveness(node)?.problem === 'string', 'the card to say the stream is retrying')
    // The stream retries by itself (REST while realtime is down); the session stays through it.
    const failed = refused
    await waitUntil(() => refused > failed, 'the window to try again')
    expect(ana.run!.ended).toBeNull()
    expect(liveness(node)).toMatchObject({ driver: 'Ana' })

    offline = false
    await waitUntil(() => liveness(node)?.problem === null, 'the problem to clear')
    await execute(executorOptions(stack), { runId })
    await session
    expect(shown(node)).toMatchObject({ status: 'success', done: 8, boardDetails: true })
    const { data: run } = await owner.from('runs').select('last_seq').eq('id', runId).single()
    expect(shown(node).lines.at(-1)!.seq).toBe(run!.last_seq)
    expect(liveness(node)).toBeNull()
    const problems = fromWindow.filter(([name]) => name === 'LIVE_PROBLEM').map(([, , text]) => text)
    expect(typeof problems[0]).toBe('string')
    expect(problems.at(-1)).toBeNull()
    expect(fromWindow.map(([name]) => name)).not.toContain('WINDOW_ERROR')
    expect(errors(ana)).toEqual([])
    await page.close()
  }, 120_000)

  it('picks a run from the signed-in person’s runs, searchable', async () => {
    const { saved, owner } = await signedInOwner()
    const dryRun = await createRun(owner, { template: 'live-card', title: 'Nightly backup check', dryRun: true })
    await execute(executorOptions(stack), { runId: dryRun })
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
    // A finished dry run wears its outcome, as in the plugin, never a plain "Succeeded"; and is found by it.
    const dry = window.locator('ul button', { hasText: 'Nightly backup check' })
    expect(await dry.textContent()).toContain('◌ Dry run')
    expect(await dry.textContent()).not.toContain('Succeeded')
    await window.getByPlaceholder('Search runs').fill('dry run')
    await expect.poll(() => window.locator('ul button').count()).toBe(1)
    await window.getByPlaceholder('Search runs').fill('release')
    await expect.poll(() => window.locator('ul button').count()).toBe(1)
    await expectAccessible(page, 'the picker')
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
    await expectAccessible(page, 'the log viewer')
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
    await expectAccessible(page, 'the sign-in panel with its error')

    // The buttons work again: continuing without an account shows the (empty) picker.
    await window.locator('[data-sign-in-anonymous]').click()
    await window.getByText('This workspace has no runs yet.', { exact: false }).waitFor()
    await expectAccessible(page, 'the empty picker')
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

  describe('a team’s windows: runbook buttons and reviews', () => {
    const SHIP = `version: 1
kind: deploy
title: Ship web
inputs:
  - { key: env, label: Environment, type: choice, options: [staging, production], required: true, default: staging }
  - { key: ref, label: Git ref, type: string, required: true, default: main }
steps:
  - { id: roll-out, title: Roll out, kind: wait, with: { duration: 50ms } }
`
    let team: string
    let admin: Awaited<ReturnType<typeof signedInOwner>>
    let operator: Awaited<ReturnType<typeof signedInOwner>>
    let approver: Awaited<ReturnType<typeof signedInOwner>>

    beforeAll(async () => {
      admin = await signedInOwner()
      operator = await signedInOwner()
      approver = await signedInOwner()
      team = await createTeamWorkspace(admin.owner, 'Launch team')
      const saved = await admin.owner.rpc('save_template', {
        p_workspace: team,
        p_slug: 'ship',
        p_template_yaml: SHIP,
        p_expected_version: null as unknown as number,
        p_title: 'Ship web',
        p_kind: 'deploy',
      })
      if (saved.error) throw new Error(saved.error.message)
      const keyed = await admin.owner.rpc('save_template', {
        p_workspace: team,
        p_slug: 'keyed',
        p_template_yaml: `version: 1
kind: check
title: Keyed check
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: api_key, label: API key, type: secret, required: true }
steps:
  - { id: settle, title: Settle, kind: wait, with: { duration: 10ms } }
`,
        p_expected_version: null as unknown as number,
        p_title: 'Keyed check',
        p_kind: 'check',
      })
      if (keyed.error) throw new Error(keyed.error.message)
      await joinWorkspace(admin.owner, operator.owner, team, 'operator')
      await joinWorkspace(admin.owner, approver.owner, team, 'approver')
    }, 60_000)

    it('makes a runbook button from a team’s template with its inputs filled in', async () => {
      const placed: RunbookButton[] = []
      const { page, widget, frame } = await openWidgetWindow(
        { kind: 'place-button' },
        { visible: true, title: 'Make a runbook button', width: 420, height: 600 },
        { onButtonPlaced: (button) => placed.push(button) },
        { storage: clientStorageWith(operator.saved.entries()) },
      )
      await frame.locator('[data-place-button]').waitFor()
      // The team comes first: that is where teammates' templates and runs are.
      expect(await frame.locator('[data-workspace]').inputValue()).toBe(team)
      await frame.locator('[data-template]').selectOption('ship')
      await frame.locator('input[data-field="ref"]').fill('release-42')
      await frame.getByText('The card will say: Ship web → staging, ref release-42', { exact: false }).waitFor()
      await expectAccessible(page, 'the runbook button maker')
      await page.locator('#window').screenshot({ path: `${root}test-results/screenshots/widget-make-button.png` })
      await frame.locator('[data-place]').click()
      await widget.done
      expect(placed).toEqual([
        expect.objectContaining({
          workspaceId: team,
          templateSlug: 'ship',
          env: 'staging',
          inputs: { env: 'staging', ref: 'release-42' },
          revision: 1,
        }),
      ])
      await page.close()
    }, 60_000)

    it('Review: the starter reads why not and has no Approve; an approver approves', async () => {
      const started = await apiIn(operator.owner, team).startRun({
        templateSlug: 'ship',
        templateRevisionId: null,
        workspaceId: team,
        kind: 'deploy',
        env: 'production',
        title: 'Ship web in production',
        inputs: { env: 'production', ref: 'main' },
      })
      await waitUntilAsync(
        async () => (await operator.owner.from('runs').select('status').eq('id', started.id).single()).data?.status === 'waiting_approval',
      )

      const asStarter = await openWidgetWindow(
        { kind: 'review', runId: started.id },
        { visible: true, width: 420, height: 480 },
        {},
        { storage: clientStorageWith(operator.saved.entries()) },
      )
      const refused = asStarter.frame.locator('[data-review-refused]')
      await refused.waitFor()
      expect(await refused.textContent()).toContain('You started this run, and production requires someone else to review it')
      expect(await asStarter.frame.locator('[data-approve]').count()).toBe(0)
      await expectAccessible(asStarter.page, 'the review window, for the starter')
      await asStarter.page.close()

      const decided: string[] = []
      const asApprover = await openWidgetWindow(
        { kind: 'review', runId: started.id },
        { visible: true, width: 420, height: 480 },
        { onDone: (result) => void decided.push(result.snapshot?.status ?? 'none') },
        { storage: clientStorageWith(approver.saved.entries()) },
      )
      const approve = asApprover.frame.locator('[data-approve]')
      await approve.waitFor()
      expect(await asApprover.frame.locator('[data-approval-waiting]').textContent()).toContain(
        'Waiting for 1 more approval from an approver',
      )
      await expectAccessible(asApprover.page, 'the review window, for an approver')
      await asApprover.page.locator('#window').screenshot({ path: `${root}test-results/screenshots/widget-review.png` })
      await approve.click()
      await asApprover.widget.done
      expect(decided).toHaveLength(1)
      expect(decided[0]).not.toBe('waiting_approval')
      await asApprover.page.close()
    }, 60_000)

    it('asks for a button’s secret input at the press, for that run only', async () => {
      const { data: row } = await operator.owner
        .from('run_templates')
        .select('revision_id')
        .eq('workspace_id', team)
        .eq('slug', 'keyed')
        .single()
      const button: RunbookButton = {
        workspaceId: team,
        templateSlug: 'keyed',
        title: 'Keyed check',
        kind: 'check',
        revisionId: row!.revision_id!,
        revision: 1,
        env: 'staging',
        inputs: { env: 'staging' },
        secretKeys: ['api_key'],
        placedBy: null,
        newerRevision: null,
      }
      const results: ButtonResult[] = []
      const { page, widget, frame } = await openWidgetWindow(
        { kind: 'button', action: 'run', button },
        { visible: true, width: 420, height: 360 },
        { onButtonDone: (result) => void results.push(result) },
        { storage: clientStorageWith(operator.saved.entries()) },
      )
      const secret = frame.locator('[data-button-secrets] input[type="password"]')
      await secret.waitFor()
      await expectAccessible(page, 'the secret inputs of a button')
      await secret.fill('sk-for-this-run-only')
      await frame.getByRole('button', { name: 'Run' }).click()
      await widget.done
      expect(results).toHaveLength(1)
      expect(JSON.stringify(results)).not.toContain('sk-for-this-run-only')
      const { data: run } = await operator.owner.from('runs').select('inputs, secret_inputs').eq('id', results[0].started!.runId).single()
      expect(run).toEqual({ inputs: { env: 'staging' }, secret_inputs: null })
      await page.close()
    }, 60_000)

    it('the picker lists a teammate’s runs, with who started them, searchable by name', async () => {
      const { data: members } = await admin.owner.from('workspace_members').select('user_id, display_name').eq('workspace_id', team)
      const { data: me } = await operator.owner.auth.getUser()
      const operatorName = members!.find((member) => member.user_id === me.user!.id)!.display_name
      const started = await apiIn(operator.owner, team).startRun({
        templateSlug: 'ship',
        templateRevisionId: null,
        workspaceId: team,
        kind: 'deploy',
        env: 'staging',
        title: 'Teammate’s staging ship',
        inputs: { env: 'staging', ref: 'main' },
      })
      const picked: RunSnapshot[] = []
      const { page, widget, frame } = await openWidgetWindow(
        { kind: 'picker' },
        { visible: true, title: 'Pick a run' },
        { onPicked: (picture) => picked.push(picture) },
        { storage: clientStorageWith(approver.saved.entries()) },
      )
      await frame.getByText('Teammate’s staging ship').waitFor()
      await frame.getByPlaceholder('Search runs').fill(operatorName)
      const listed = frame.locator('ul button', { hasText: 'Teammate’s staging ship' })
      expect(await listed.textContent()).toContain(`started by ${operatorName}`)
      await expectAccessible(page, 'the picker of a team')
      await page.locator('#window').screenshot({ path: `${root}test-results/screenshots/widget-team-picker.png` })
      await listed.click()
      await widget.done
      expect(picked[0]).toMatchObject({ runId: started.id, workspaceId: team, startedBy: operatorName })
      await page.close()
    }, 60_000)
  })
})

async function waitUntilAsync(probe: () => Promise<boolean>) {
  for (let i = 0; i < 400; i++) {
    if (await probe()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('timed out')
}
