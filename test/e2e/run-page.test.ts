/**
 * The run page in real Chromium, in the browser preview against a local stack that the test
 * stops and starts again: a normal walkthrough with no console error and no failed request,
 * downloads and copy as in Figma, long lines wrapped on demand, links to log lines, empty states
 * that say so, a run someone else owns, the connection banner following the stack down and up,
 * and everything done from the keyboard with axe-core run on every view. Every wait polls with a
 * generous timeout; nothing asserts how long anything took.
 */
import type { ConsoleMessage, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { startStack, type Stack } from '../../local/stack.ts'
import { lineLink } from '../../src/ui/view-models/line-link.ts'
import { addTemplate } from '../support/executor.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { axeFindings } from './support/axe.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { HOLD_TEMPLATE, RELEASE_TEMPLATE, STAGED_TEMPLATE } from './support/templates.ts'

/** A template whose one step logs a line far wider than the plugin window. */
const LONG_LINE_TEMPLATE = `version: 1
kind: check
title: Long line check
description: Waits a moment and says so at length.
intents: [long]
inputs:
  - key: env
    label: Environment
    type: choice
    options: [staging, production]
    required: true
    default: staging
steps:
  - id: settle
    title: Let things settle
    kind: wait
    with: { duration: 300ms }
`

const RELEASE_TO_PRODUCTION = RELEASE_TEMPLATE.replace('default: staging', 'default: production')

describe('the run page in Chromium', { timeout: 240_000 }, () => {
  let test: TestStack
  /** The stack the browser talks to: `test` itself, or the one started again on its port. */
  let served: Stack
  let preview: Preview
  let browser: LaunchedBrowser
  let plugin: PluginUi
  const problems: string[] = []

  beforeAll(async () => {
    test = await startTestStack('pglite', { drainIntervalMs: 200, functionsRuntime: 'deno' })
    served = test
    await addTemplate(test, 'long-line-check', LONG_LINE_TEMPLATE)
    await addTemplate(test, 'staged-rollout', STAGED_TEMPLATE)
    await addTemplate(test, 'maintenance-hold', HOLD_TEMPLATE)
    await addTemplate(test, 'release-web', RELEASE_TO_PRODUCTION)
    preview = await startPreview({ stackUrl: test.url, anonKey: test.anonKey, port: 0 })
    browser = await launchChromium({ width: 1280, height: 900 })
    const page = await browser.context.newPage()
    // Everything that goes wrong in the page or the plugin's frame, as a person with the console open would see it.
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || /permissions policy|clipboard/i.test(message.text()))
        problems.push(`console ${message.type()}: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('requestfailed', (request) => problems.push(`failed ${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
    page.on('response', (response: Response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`)
    })
    await page.goto(preview.url)
    plugin = pluginUi(page)
  })

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
    if (served !== test) await served?.close()
    await test?.stop()
  })

  const frame = () => plugin.frame()

  async function expectAccessible(view: string): Promise<void> {
    expect(await axeFindings(await frame()), `axe findings in ${view}`).toEqual([])
  }

  async function viewerStatus(): Promise<string | null> {
    return (await frame()).evaluate(() => document.querySelector<HTMLElement>('[data-run-viewer] [data-status]')?.dataset.status ?? null)
  }

  async function statusBecomes(status: string): Promise<void> {
    await expect.poll(viewerStatus, { timeout: LONG, interval: 100 }).toBe(status)
  }

  async function runTemplate(slug: string): Promise<string> {
    await openTab(plugin, 'Templates')
    await plugin.ui.locator(`[data-template-card="${slug}"] [data-run-button]`).click()
    await expect
      .poll(
        async () => (await frame()).evaluate(() => document.querySelector<HTMLElement>('[data-run-viewer]')?.dataset.runViewer ?? null),
        { timeout: LONG },
      )
      .not.toBeNull()
    return (await frame()).evaluate(() => document.querySelector<HTMLElement>('[data-run-viewer]')!.dataset.runViewer!)
  }

  /** An option of the open dropdown menu (create-figma-plugin's: labelled radios in a menu on the body). */
  function menuOption(text: string) {
    return plugin.ui.locator('label:visible', { has: plugin.ui.locator('[data-item-id]'), hasText: text })
  }

  async function back(): Promise<void> {
    await plugin.ui.locator('[data-back]').click()
  }

  /** The plugin's user's workspace and id, from the run the browser started. */
  async function ownerOf(runId: string): Promise<{ created_by: string; workspace_id: string }> {
    const { rows } = await test.db.query<{ created_by: string; workspace_id: string }>(
      'select created_by, workspace_id from ops.runs where id = $1',
      [runId],
    )
    return rows[0]
  }

  it('goes through a normal session with no console error and no failed request, downloads and copies', async () => {
    const { ui, page } = plugin
    await expect.poll(() => ui.locator('[data-connection]').getAttribute('data-connection'), { timeout: LONG }).toBe('up')
    await expectAccessible('sign-in')
    await ui.getByRole('button', { name: 'Continue without an account' }).click()
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    for (const tab of ['Templates', 'Runs', 'Spec Kit', 'Chat'] as const) {
      await openTab(plugin, tab)
      await expectAccessible(`tab ${tab}`)
    }

    await runTemplate('long-line-check')
    await statusBecomes('success')
    await expectAccessible('log view')
    // The log's Download and a copy, as a person would use them.
    const download = page.waitForEvent('download', { timeout: LONG })
    await ui.locator('[data-download-log]').click()
    expect((await download).suggestedFilename()).toMatch(/\.log$/)
    await ui.locator('[data-copy-log]').click()
    await expect
      .poll(
        () =>
          ui
            .getByRole('status')
            .filter({ hasText: /Copied \d+ lines/ })
            .count(),
        { timeout: LONG },
      )
      .toBe(1)
    await back()

    await ui.locator('[data-open-settings]').click()
    await expectAccessible('settings')
    await ui.locator('[data-open-settings]').click()
    expect(problems).toEqual([])
  })

  it('tells a finished run by its look: no Live dot, its step durations, "No artifacts"', async () => {
    const { ui } = plugin
    await runTemplate('staged-rollout')
    // While it runs: a live duration that counts up, and the Live dot.
    await statusBecomes('running')
    await expect.poll(() => ui.locator('[data-live]').getAttribute('data-live'), { timeout: LONG }).toBe('live')
    const first = await ui.locator('[data-duration]').textContent()
    await expect.poll(() => ui.locator('[data-duration]').textContent(), { timeout: LONG }).not.toBe(first)
    expect(await ui.locator('[data-duration]').textContent()).toMatch(/\d(\.\d)? s$/)
    await statusBecomes('success')
    await expect.poll(() => ui.locator('[data-live]').count(), { timeout: LONG }).toBe(0)
    await expect(ui.locator('[data-no-artifacts]').textContent()).resolves.toContain('No artifacts')
    const durations = await ui.locator('[data-step-duration]').allTextContents()
    expect(durations.length).toBeGreaterThan(0)
    for (const duration of durations) expect(duration).toMatch(/^\d+(\.\d)? (ms|s)$/)
    // Each step heading wears its status, in the vocabulary's words.
    const statuses = await ui.locator('[data-step-status]').allTextContents()
    expect(statuses.length).toBeGreaterThan(0)
    for (const status of statuses) expect(status).toBe('✓ Succeeded')

    // "Errors only" on a clean run says so and offers the way back.
    await ui.locator('[data-level-filter]').click()
    await menuOption('Errors only').click()
    const empty = ui.locator('[data-filter-empty]')
    await empty.waitFor({ timeout: LONG })
    await expect(empty.textContent()).resolves.toContain('No errors in this run')
    await empty.locator('[data-show-all-levels]').click()
    await expect.poll(() => ui.locator('[data-log-viewport] [data-seq]').count(), { timeout: LONG }).toBeGreaterThan(0)
    await back()
  })

  it('says a log was removed by retention, rather than showing an empty log; and a canceled step reads canceled', async () => {
    const { ui } = plugin
    const runId = await runTemplate('staged-rollout')
    await statusBecomes('success')
    const { created_by, workspace_id } = await ownerOf(runId)
    // A run whose log the drain removed 40 days after it ended, and a canceled run whose step was left running.
    const { rows } = await test.db.query<{ id: string }>(
      `insert into ops.runs (created_by, workspace_id, template_slug, kind, env, title, inputs, status, attempt, started_at, finished_at,
                             last_seq, summary, events_removed_at, step_results)
       values ($1, $2, 'staged-rollout', 'check', 'staging', 'Old rollout', '{}', 'success', 1, now() - interval '41 days',
               now() - interval '41 days', 24, 'Succeeded: 3 steps', '2026-11-30T02:00:00Z', '{}'),
              ($1, $2, 'staged-rollout', 'check', 'staging', 'Canceled rollout', '{}', 'canceled', 1, now() - interval '1 minute',
               now(), 2, 'Canceled on request at step hold', null, '{"hold": {"status": "running", "started_at": "2026-11-30T02:00:00Z"}}')
       returning id`,
      [created_by, workspace_id],
    )
    const [removed, canceled] = rows.map((row) => row.id)
    await test.db.query(
      `insert into ops.run_events (run_id, seq, level, source, phase, step_id, message)
       values ($1, 1, 'info', 'hold', 'execute', 'hold', 'Step hold: Hold the window open'), ($1, 2, 'warn', 'hold', 'execute', 'hold', 'Step hold stopped')`,
      [canceled],
    )
    await back()
    await openTab(plugin, 'Runs')
    await ui.locator(`[data-run="${removed}"] [data-open-run]`).click()
    const empty = ui.locator('[data-empty-log]')
    await empty.waitFor({ timeout: LONG })
    await expect(empty.textContent()).resolves.toBe(
      'This run’s log (24 lines) was removed by retention on 2026-11-30 02:00 UTC: the project deletes run logs some days after a run ends (30 by default). Its summary, steps, artifacts and audit trail are kept.',
    )
    await expect(ui.locator('[data-summary]').textContent()).resolves.toContain('Succeeded: 3 steps')
    await expectAccessible('log removed by retention')
    await back()
    await openTab(plugin, 'Runs')
    await ui.locator(`[data-run="${canceled}"] [data-open-run]`).click()
    const status = ui.locator('[data-step-status]')
    await status.first().waitFor({ timeout: LONG })
    await expect(status.first().textContent()).resolves.toBe('⊘ Canceled')
    await back()
  })

  it('wraps a long line on demand, keeps the choice for the session, and opens the log at a line from its link', async () => {
    const { ui } = plugin
    const runId = await runTemplate('long-line-check')
    await statusBecomes('success')
    const { created_by, workspace_id } = await ownerOf(runId)
    expect(workspace_id).toBeTruthy()
    expect(created_by).toBeTruthy()
    // A finished run with a long line in the middle of its log, written as the executor would.
    const longText = `Rendered the release notes: ${Array.from({ length: 40 }, (_, i) => `section-${i} ok`).join(', ')}`
    const { rows } = await test.db.query<{ id: string }>(
      `insert into ops.runs (created_by, workspace_id, template_slug, kind, env, title, inputs, status, attempt, started_at, finished_at, last_seq, summary)
       values ($1, $2, 'long-line-check', 'check', 'staging', 'Release notes', '{}', 'success', 1, now() - interval '1 minute', now(), 300, 'Done')
       returning id`,
      [created_by, workspace_id],
    )
    const notesRun = rows[0].id
    await test.db.query(
      `insert into ops.run_events (run_id, seq, level, source, phase, step_id, message)
       select $1, g, 'info', 'settle', 'execute', 'settle', case when g = 150 then $2 else 'line ' || g end from generate_series(1, 300) g`,
      [notesRun, longText],
    )

    // Open the line from its link, pasted into the Runs tab: the log opens scrolled to it.
    await back()
    await openTab(plugin, 'Runs')
    await ui.locator('[data-open-link]').fill(lineLink({ runId: notesRun, seq: 150 }))
    await ui.locator('[data-open-link-button]').click()
    const line = ui.locator('[data-log-viewport] [data-seq="150"]')
    await line.waitFor({ timeout: LONG })
    /** The line starts inside the log's viewport (wrapped, it may be taller than what is left below it). */
    const inView = async () => {
      const box = await line.boundingBox()
      const viewport = await ui.locator('[data-log-viewport]').boundingBox()
      return box !== null && viewport !== null && box.y >= viewport.y && box.y + 20 <= viewport.y + viewport.height
    }
    await expect.poll(inView, { timeout: LONG }).toBe(true)
    /** All of the line shows: inside the viewport, and above the floating "Jump to latest" button when it is there. */
    const fullyVisible = async () => {
      const box = await line.boundingBox()
      const viewport = await ui.locator('[data-log-viewport]').boundingBox()
      const jumpButton = ui.locator('[data-jump-latest]')
      const jump = (await jumpButton.count()) > 0 ? await jumpButton.boundingBox() : null
      if (box === null || viewport === null) return false
      const bottom = Math.min(viewport.y + viewport.height, jump?.y ?? Infinity)
      return box.y >= viewport.y - 0.5 && box.y + box.height <= bottom + 0.5
    }
    await expect.poll(fullyVisible, { timeout: LONG }).toBe(true)
    const oneLine = (await line.boundingBox())!.height

    await ui.locator('[data-wrap-lines]').click()
    await expect(ui.locator('[data-wrap-lines]').getAttribute('aria-pressed')).resolves.toBe('true')
    await expect.poll(async () => (await line.boundingBox())?.height ?? 0, { timeout: LONG }).toBeGreaterThan(oneLine * 2)
    // All of the text shows, none of it cut at the edge.
    const cut = await line.locator('[data-message]').evaluate((element) => element.scrollWidth > element.clientWidth + 1)
    expect(cut).toBe(false)
    // Wrapping made the linked line taller: it still shows whole, clear of "Jump to latest".
    await expect.poll(fullyVisible, { timeout: LONG }).toBe(true)
    await screenshot(plugin, 'log-wrapped-line')
    await expectAccessible('log wrapped')

    // Each line offers its link; copying it says so.
    await line.hover()
    await line.locator('[data-line-link]').click()
    await expect.poll(() => ui.getByRole('status').filter({ hasText: 'Copied a link to line 150' }).count(), { timeout: LONG }).toBe(1)

    // The choice stays for the session: another run's log opens wrapped.
    await back()
    await openTab(plugin, 'Runs')
    await ui.locator(`[data-run="${runId}"] [data-open-run]`).click()
    await expect.poll(() => ui.locator('[data-log-viewport]').getAttribute('data-wrap'), { timeout: LONG }).toBe('on')
    // A link opened while lines wrap: the line is laid out wrapped after it is revealed, and still shows whole.
    await back()
    await openTab(plugin, 'Runs')
    await ui.locator('[data-open-link]').fill(lineLink({ runId: notesRun, seq: 150 }))
    await ui.locator('[data-open-link-button]').click()
    await line.waitFor({ timeout: LONG })
    await expect.poll(async () => (await line.boundingBox())?.height ?? 0, { timeout: LONG }).toBeGreaterThan(oneLine * 2)
    await expect.poll(fullyVisible, { timeout: LONG }).toBe(true)
    await ui.locator('[data-wrap-lines]').click()
    await back()
  })

  it('keeps the toolbar on one row at the default width, and a search match clear of "Jump to latest"', async () => {
    const { ui, page } = plugin
    await page.locator('#run').click()
    await ui.getByRole('tab', { name: 'Runs' }).click()
    await ui.locator('[data-run]', { hasText: 'Release notes' }).locator('[data-open-run]').click()
    await ui.locator('[data-log-viewport] [data-seq]').first().waitFor({ timeout: LONG })
    const rows = async () => {
      const tops = await ui
        .locator('[data-log-search], [data-copy-log], [data-download-log], [data-wrap-lines]')
        .evaluateAll((elements) =>
          elements.map((element) => Math.round(element.getBoundingClientRect().top + element.getBoundingClientRect().height / 2)),
        )
      return new Set(tops).size
    }
    expect(await plugin.page.locator('iframe').evaluate((element) => element.getAttribute('width'))).toBe('480')
    expect(await rows()).toBe(1)
    await ui.locator('[data-copy-log]').click()
    expect(await rows()).toBe(1)
    await ui.locator('[data-log-search]').fill('line 15')
    expect(await rows()).toBe(1)

    // Move to a match near the end while scrolled away from it: the match shows above the button.
    await ui.locator('[data-log-viewport]').evaluate((element) => {
      element.scrollTop = 0
    })
    await ui.locator('[data-jump-latest]').waitFor({ timeout: LONG })
    await ui.locator('[data-log-search]').press('Shift+Enter')
    const current = ui.locator('[data-log-viewport] [data-seq="159"]')
    await current.waitFor({ timeout: LONG })
    const jump = await ui.locator('[data-jump-latest]').boundingBox()
    const match = await current.boundingBox()
    expect(jump).not.toBeNull()
    expect(match!.y + match!.height).toBeLessThanOrEqual(jump!.y)
    await back()
  })

  it('keeps following the newest line when the log loses height while its own scroll is in flight', async () => {
    // As when "Started by …" loads above a log that is streaming: the list had just scrolled to the
    // bottom, the header grows, and the scroll event of the list's own scroll arrives after it.
    const { ui, page } = plugin
    await page.locator('#run').click()
    await ui.getByRole('tab', { name: 'Runs' }).click()
    await ui.locator('[data-run]', { hasText: 'Release notes' }).locator('[data-open-run]').click()
    const newest = ui.locator('[data-log-viewport] [data-seq="300"]')
    await newest.waitFor({ timeout: LONG })
    expect(await ui.locator('[data-jump-latest]').count()).toBe(0)
    const viewport = ui.locator('[data-log-viewport]')
    await viewport.evaluate((element) => {
      const grown = document.createElement('div')
      grown.style.height = '40px'
      grown.style.flex = 'none'
      element.parentElement!.insertBefore(grown, element)
      element.dispatchEvent(new Event('scroll'))
    })
    await viewport.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    expect(await ui.locator('[data-jump-latest]').count()).toBe(0)
    const line = (await newest.boundingBox())!
    const box = (await viewport.boundingBox())!
    expect(line.y + line.height).toBeLessThanOrEqual(box.y + box.height + 0.5)
    // Scrolling up is the person's own, and stops following.
    await viewport.evaluate((element) => {
      element.scrollTop -= 200
    })
    await ui.locator('[data-jump-latest]').waitFor({ timeout: LONG })
    await back()
  })

  it('lists templates by name in the Runs filter, and clears filters that match nothing', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Runs')
    await ui.locator('[data-filter="filter-template"]').click()
    const options = (await ui.locator('label:visible', { has: ui.locator('[data-item-id]') }).allTextContents()).map((text) => text.trim())
    expect(options).toContain('Long line check')
    expect(options).toContain('Staged rollout')
    expect(options).not.toContain('long-line-check')
    // No long-line check was canceled in this file (a staged rollout was, above).
    await menuOption('Long line check').click()
    await ui.locator('[data-filter="filter-status"]').click()
    await menuOption('Canceled').click()
    const noMatch = ui.locator('[data-no-match]')
    await noMatch.waitFor({ timeout: LONG })
    await expectAccessible('runs no match')
    await noMatch.locator('[data-clear-filters]').click()
    await expect.poll(() => ui.locator('[data-run-list] [data-run]').count(), { timeout: LONG }).toBeGreaterThan(2)
  })

  it('shows only the error for a run the person cannot read', async () => {
    const { ui, page } = plugin
    const stranger = await test.anonymousUser()
    const { data: workspace } = await stranger.client.rpc('ensure_personal_workspace').throwOnError()
    const { rows } = await test.db.query<{ id: string }>(
      `insert into ops.runs (created_by, workspace_id, template_slug, kind, env, title, inputs, status, attempt)
       values ($1, $2, 'staged-rollout', 'rollout', 'staging', 'Someone else''s rollout', '{}', 'queued', 0) returning id`,
      [stranger.userId, workspace],
    )
    const card = {
      runId: rows[0].id,
      title: 'Someone else’s rollout',
      env: 'staging',
      status: 'queued',
      templateSlug: 'staged-rollout',
      startedAt: null,
      finishedAt: null,
      summary: null,
    }
    await (await frame()).evaluate((m) => parent.postMessage({ pluginMessage: m }, '*'), ['ADD_SUMMARY_CARD', card])
    await page.locator('#canvas .node-wrap', { hasText: 'Someone else’s rollout' }).locator('.relaunch button').click()
    const error = ui.locator('[data-run-error]')
    await error.waitFor({ timeout: LONG })
    await expect(error.textContent()).resolves.toContain('was not found')
    const text = (await ui.locator('[data-run-viewer]').textContent()) ?? ''
    expect(text).not.toContain('Loading run…')
    expect(text).not.toContain('No log lines yet')
    await expectAccessible('unreadable run')
    await back()
  })

  it('does everything from the keyboard, with a visible focus', async () => {
    const { ui, page } = plugin
    await page.locator('#run').click()
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    const f = await frame()
    /**
     * Where the focus is, and whether it shows: the element's own focus outline (the browser's or
     * ours), or a style rule for a focused state (":focus", ":focus-visible", ":focus-within")
     * that draws an outline, border, shadow or background and applies on the page now — which,
     * with one element focused, it does because of that element.
     */
    const focused = () =>
      f.evaluate(() => {
        const element = document.activeElement as HTMLElement | null
        if (element === null || element === document.body) return { what: 'body', visible: false }
        const own = getComputedStyle(element)
        let visible = own.outlineStyle !== 'none' && parseFloat(own.outlineWidth) > 0
        const draws = (style: CSSStyleDeclaration) =>
          [
            'outline',
            'outline-style',
            'outline-color',
            'border',
            'border-color',
            'border-top',
            'box-shadow',
            'background',
            'background-color',
          ].some((name) => style.getPropertyValue(name) !== '')
        for (const sheet of [...document.styleSheets]) {
          if (visible) break
          let rules: CSSRuleList
          try {
            rules = sheet.cssRules
          } catch {
            continue
          }
          for (const rule of [...rules]) {
            if (!(rule instanceof CSSStyleRule) || !rule.selectorText.includes(':focus') || !draws(rule.style)) continue
            const parts = rule.selectorText.split(',').filter((part) => part.includes(':focus'))
            if (parts.some((part) => document.querySelector(part) !== null)) {
              visible = true
              break
            }
          }
        }
        const attrs = [
          'data-tab',
          'data-intent-bar',
          'data-run-button',
          'data-log-search',
          'data-wrap-lines',
          'data-level-filter',
          'data-approve',
          'data-reject',
          'data-save-doc',
          'data-doc-textarea',
          'data-back',
          'data-spec-doc',
        ]
        const hook = attrs.find((name) => element.hasAttribute(name))
        const label =
          element.getAttribute('aria-label') ?? (element as HTMLInputElement).labels?.[0]?.textContent ?? element.textContent ?? ''
        return {
          what: `${hook ?? element.tagName.toLowerCase()}${hook ? `=${element.getAttribute(hook)}` : ''}|${label.trim().slice(0, 40)}`,
          visible,
        }
      })
    /** Tab (or Shift+Tab) until the focus is where `wanted` says, checking every stop shows its focus. */
    async function tabTo(wanted: RegExp, backwards = false): Promise<void> {
      const seen: string[] = []
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab')
        const now = await focused()
        seen.push(now.what)
        if (now.what !== 'body') expect(now.visible, `no visible focus on ${now.what}`).toBe(true)
        if (wanted.test(now.what)) return
      }
      throw new Error(`never reached ${wanted} by Tab; went through ${seen.join(' → ')}`)
    }
    await f.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())

    // Tabs: to the bar, then the arrow keys.
    await tabTo(/^data-tab=chat/)
    await page.keyboard.press('ArrowRight')
    expect((await focused()).what).toMatch(/^data-tab=templates/)
    await expect(ui.getByRole('tab', { name: 'Templates' }).getAttribute('aria-selected')).resolves.toBe('true')
    await page.keyboard.press('ArrowLeft')

    // The intent bar and the card it fills.
    await tabTo(/^data-intent-bar/)
    await page.keyboard.type('hold the maintenance window')
    await ui.locator('[data-runbook-card="maintenance-hold"]').waitFor({ timeout: LONG })
    await tabTo(/^data-run-button/)

    // A run that waits for approval, started, searched and approved from the keyboard.
    await tabTo(/^data-tab=/, true)
    await page.keyboard.press('ArrowRight')
    await ui.locator('[data-template-card="release-web"]').waitFor({ timeout: LONG })
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab')
      const inRelease = await f.evaluate(
        () =>
          document.activeElement?.closest('[data-template-card="release-web"]') !== null &&
          document.activeElement?.hasAttribute('data-run-button'),
      )
      if (inRelease) break
    }
    expect(await f.evaluate(() => document.activeElement?.closest('[data-template-card]')?.getAttribute('data-template-card'))).toBe(
      'release-web',
    )
    await page.keyboard.press('Enter')
    await statusBecomes('waiting_approval')
    await tabTo(/^data-log-search/)
    await page.keyboard.type('Phase')
    await page.keyboard.press('Enter')
    await expect.poll(() => ui.locator('[data-match-counter]').textContent(), { timeout: LONG }).toMatch(/^1 of \d+/)
    await tabTo(/^data-wrap-lines/)
    await page.keyboard.press('Space')
    await expect(ui.locator('[data-wrap-lines]').getAttribute('aria-pressed')).resolves.toBe('true')
    await page.keyboard.press('Space')
    await tabTo(/^data-approve/, true)
    await expectAccessible('approval (keyboard)')
    await page.keyboard.press('Enter')
    await statusBecomes('success')
    await tabTo(/^data-back/, true)
    await page.keyboard.press('Enter')

    // Spec Kit: choose a document, write, save.
    await tabTo(/^data-tab=/)
    for (let i = 0; i < 4 && !(await focused()).what.startsWith('data-tab=spec-kit'); i++) await page.keyboard.press('ArrowRight')
    await ui.locator('[data-spec-doc]').first().waitFor({ timeout: LONG })
    await tabTo(/^input\|Write/)
    await page.keyboard.press('Space')
    await tabTo(/^data-doc-textarea/)
    await page.keyboard.press('Control+End')
    await page.keyboard.type('\nA line typed from the keyboard.')
    await tabTo(/^data-save-doc/)
    await page.keyboard.press('Enter')
    await expect
      .poll(
        async () => {
          const { rows } = await test.db.query<{ n: number }>(
            "select count(*)::int as n from ops.spec_docs where content like '%A line typed from the keyboard.%'",
          )
          return rows[0].n
        },
        { timeout: LONG },
      )
      .toBe(1)
    await expectAccessible('spec kit (keyboard)')
  })

  it('shows the stack going down and coming back, in the banner and in a running run’s Live', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Templates')
    await runTemplate('maintenance-hold')
    await statusBecomes('running')
    const banner = () => ui.locator('[data-connection]').getAttribute('data-connection')
    const live = () => ui.locator('[data-live]').getAttribute('data-live')
    await expect.poll(banner, { timeout: LONG }).toBe('up')
    await expect.poll(live, { timeout: LONG }).toBe('live')

    const port = served.port
    await served.close()
    await expect.poll(banner, { timeout: LONG, interval: 100 }).toBe('down')
    await expect(ui.locator('[data-connection]').textContent()).resolves.not.toContain('REST and realtime are up')
    await expect.poll(live, { timeout: LONG, interval: 100 }).not.toBe('live')
    await screenshot(plugin, 'banner-stack-down')

    served = await startStack({ db: test.db, port, drainIntervalMs: 200 })
    await expect.poll(banner, { timeout: LONG, interval: 100 }).toBe('up')
    await expect.poll(live, { timeout: LONG, interval: 100 }).toBe('live')
    await ui.locator('[data-cancel]').click()
    await statusBecomes('canceled')
    await expect.poll(() => ui.locator('[data-live]').count(), { timeout: LONG }).toBe(0)
    await expect(banner()).resolves.toBe('up')
  })
})
