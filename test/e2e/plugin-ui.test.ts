/**
 * The plugin UI end to end in real Chromium: the built plugin in the browser preview (the page
 * that stands in for Figma, with the UI in a null-origin sandboxed iframe) against a local stack
 * whose executor really runs the runs. Every wait polls with a generous timeout; nothing asserts
 * how long anything took.
 */
import { readFileSync } from 'node:fs'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { createOpsApi } from '../../src/client/api.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { addTemplate, eventsOf, runOf } from '../support/executor.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { crampedBarControls, LONG, openTab, pluginUi, readWholeLog, screenshot, spilledBoxes, type PluginUi } from './support/plugin-ui.ts'
import { HOLD_TEMPLATE, RELEASE_TEMPLATE, STAGED_TEMPLATE } from './support/templates.ts'
import { createTeamWorkspace, fixedWorkspace, joinWorkspace } from '../support/team-workspace.ts'
import { axeFindings } from './support/axe.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface ViewerState {
  runId: string | null
  status: string | null
  lines: number
  live: string | null
}

describe('the plugin UI in Chromium', { timeout: 180_000 }, () => {
  let stack: TestStack
  let service: OpsClient
  let preview: Preview
  let browser: LaunchedBrowser
  let plugin: PluginUi
  const sockets = new Set<Duplex>()
  const savedSecrets = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, SLACK_WEBHOOK_URL: process.env.SLACK_WEBHOOK_URL }

  beforeAll(async () => {
    // The suite's global setup built the plugin and the preview page's script (npm run build).
    // Optional secrets absent: the GitHub and Slack calls are dry runs, as on a new project.
    delete process.env.GITHUB_TOKEN
    delete process.env.SLACK_WEBHOOK_URL
    stack = await startTestStack('pglite', { drainIntervalMs: 200, functionsRuntime: 'deno' })
    service = stack.client(stack.serviceRoleKey)
    // Realtime sockets, so a test can cut them as a network drop would.
    stack.server.on('upgrade', (_request, socket: Duplex) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    // Give responders longer to join, so an incident run is watched while it is still running.
    const incident = readFileSync(`${root}supabase/templates/incident-open.yaml`, 'utf8')
    const slower = incident.replace('with: { duration: 1s }', 'with: { duration: 5s }')
    expect(slower).not.toBe(incident)
    await replaceSeededTemplate('incident-open', slower)

    preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
    expect(preview.missing).toEqual([])
    browser = await launchChromium({ width: 1280, height: 900 })
    const page = await browser.context.newPage()
    await page.goto(preview.url)
    plugin = pluginUi(page)
  })

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
    await stack?.stop()
    for (const [key, value] of Object.entries(savedSecrets)) if (value !== undefined) process.env[key] = value
  })

  async function viewer(): Promise<ViewerState> {
    const frame = await plugin.frame()
    return frame.evaluate(() => {
      const root = document.querySelector<HTMLElement>('[data-run-viewer]')
      return {
        runId: root?.dataset.runViewer ?? null,
        status: root?.querySelector<HTMLElement>('[data-status]')?.dataset.status ?? null,
        lines: root?.querySelectorAll('[data-log-viewport] [data-seq]').length ?? 0,
        live: root?.querySelector<HTMLElement>('[data-live]')?.dataset.live ?? null,
      }
    })
  }

  async function statusBecomes(status: string): Promise<ViewerState> {
    await expect.poll(async () => (await viewer()).status, { timeout: LONG, interval: 100 }).toBe(status)
    return viewer()
  }

  /** Every view passes axe-core with no critical or serious finding (Figma's own theme colours excepted). */
  async function expectAccessible(view: string): Promise<void> {
    expect(await axeFindings(await plugin.frame()), `axe findings in ${view}`).toEqual([])
  }

  /** A seeded template replaced as the database owner: in every workspace (a new revision each) and in what new ones get. */
  async function replaceSeededTemplate(slug: string, yaml: string): Promise<void> {
    await stack.db.query('update ops.run_templates set template_yaml = $2 where slug = $1', [slug, yaml])
    await stack.db.query("update ops.starter_kit set content = $2 where kind = 'template' and slug = $1", [slug, yaml])
  }

  async function backToTabs(): Promise<void> {
    await plugin.ui.locator('[data-back]').click()
  }

  /** The person signed in in the browser, as a second window of theirs: their session's token, over REST. */
  let browserUser: { client: OpsClient; userId: string; personal: string } | null = null
  async function me(): Promise<{ client: OpsClient; userId: string; personal: string }> {
    if (browserUser !== null) return browserUser
    const stored = await plugin.page.evaluate(() =>
      Object.entries(localStorage).find(([key]) => /^ops-preview:clientStorage:session:sb-.+-auth-token$/.test(key)),
    )
    const session = JSON.parse(JSON.parse(stored![1]) as string) as { access_token: string; user: { id: string } }
    const client = createClient<Database, 'ops'>(stack.url, stack.anonKey, {
      db: { schema: 'ops' },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { headers: { Authorization: `Bearer ${session.access_token}` } },
    })
    const { data: personal } = await client.rpc('ensure_personal_workspace').throwOnError()
    browserUser = { client, userId: session.user.id, personal: personal }
    return browserUser
  }

  /** The browser user's copy of a spec doc, read as the service role. */
  async function specDoc(slug: string) {
    const { personal } = await me()
    const { data } = await service
      .from('spec_docs')
      .select('version, content')
      .eq('workspace_id', personal)
      .eq('slug', slug)
      .single()
      .throwOnError()
    return data
  }

  /** Puts a summary card of the run on the board and opens the plugin from its relaunch button, as someone on the board would. */
  async function openFromBoard(runId: string, title: string): Promise<void> {
    const frame = await plugin.frame()
    const card = {
      runId,
      title,
      env: 'production',
      status: 'waiting_approval',
      templateSlug: 'deploy-web',
      startedAt: null,
      finishedAt: null,
      summary: null,
    }
    await frame.evaluate((m) => parent.postMessage({ pluginMessage: m }, '*'), ['ADD_SUMMARY_CARD', card])
    const node = plugin.page.locator('#canvas .node-wrap', { hasText: title })
    await node.locator('.relaunch button').click()
    await expect.poll(async () => (await viewer()).runId, { timeout: LONG }).toBe(runId)
  }

  it('signs in anonymously with one click, shows a green banner, 2 templates and 4 Spec Kit documents', async () => {
    const { ui } = plugin
    await expect.poll(() => ui.locator('[data-connection]').getAttribute('data-connection'), { timeout: LONG }).toBe('up')
    await expect.poll(() => ui.locator('[data-connection]').textContent(), { timeout: LONG }).toContain('REST and realtime are up')
    await expectAccessible('sign-in')
    await ui.getByRole('button', { name: 'Continue without an account' }).click()
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    await screenshot(plugin, 'chat-empty')
    // A guest's bar holds five tabs, Save your work, Sign out and the settings at the default width.
    await expect(crampedBarControls(plugin)).resolves.toEqual([])
    await expectAccessible('chat-empty')

    await openTab(plugin, 'Templates')
    await expect.poll(() => ui.locator('[data-template-card]').count(), { timeout: LONG }).toBe(2)
    await expect(ui.locator('[data-template-count]').textContent()).resolves.toBe('2')
    await screenshot(plugin, 'templates')
    await expectAccessible('templates')

    await openTab(plugin, 'Spec Kit')
    await expect
      .poll(() => ui.locator('[data-spec-doc]').allTextContents(), { timeout: LONG })
      .toEqual(['constitution.md', 'prd.md', 'plan.md', 'tasks.md'])
    await ui.locator('[data-markdown-preview] h1').first().waitFor({ timeout: LONG })
    await screenshot(plugin, 'spec-kit')
    await expectAccessible('spec-kit')
  })

  it('pairs every tab with its own labelled panel, which shows something, and moves between tabs with the arrow keys', async () => {
    const { ui } = plugin
    const frame = await plugin.frame()
    const tabs = ui.getByRole('tablist', { name: 'Sections' }).getByRole('tab')
    await expect(tabs.allTextContents()).resolves.toEqual(['Chat', 'Templates', 'Runs', 'Spec Kit', 'Audit'])
    const shown = () =>
      frame.evaluate(() => ({
        selected: [...document.querySelectorAll('[aria-label="Sections"] [role="tab"][aria-selected="true"]')].map((tab) => ({
          id: tab.id,
          controls: tab.getAttribute('aria-controls'),
        })),
        panels: [...document.querySelectorAll('[role="tabpanel"]')].map((panel) => ({
          id: panel.id,
          labelledBy: panel.getAttribute('aria-labelledby'),
          filled: panel.childElementCount > 0,
        })),
      }))
    const ids = new Set<string>()
    for (let index = 0; index < (await tabs.count()); index++) {
      await tabs.nth(index).click()
      await expect.poll(async () => (await shown()).panels.every((panel) => panel.filled), { timeout: LONG }).toBe(true)
      const { selected, panels } = await shown()
      expect(selected).toHaveLength(1)
      expect(panels).toEqual([{ id: selected[0].controls, labelledBy: selected[0].id, filled: true }])
      ids.add(selected[0].id).add(panels[0].id)
    }
    expect(ids.size).toBe(2 * (await tabs.count()))

    // Past the last tab comes the first, and focus follows the selection.
    await tabs.last().press('ArrowRight')
    await expect(tabs.first().getAttribute('aria-selected')).resolves.toBe('true')
    await expect(frame.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Chat')
    await tabs.first().press('ArrowLeft')
    await expect(tabs.last().getAttribute('aria-selected')).resolves.toBe('true')
  })

  it('turns an intent into a card, takes a missing input, runs it and streams the log while it runs', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Chat')
    await ui.locator('[data-intent-bar]').fill('open a sev2 incident')
    const card = ui.locator('[data-runbook-card="incident-open"]')
    await card.waitFor({ timeout: LONG })
    await expect(card.locator('[data-input="severity"]').textContent()).resolves.toContain('sev2')
    await expect(card.locator('[data-run-button]').isDisabled()).resolves.toBe(true)
    await card.getByRole('textbox', { name: /What is happening/ }).fill('checkout errors')
    await expect.poll(() => card.locator('[data-run-button]').isEnabled(), { timeout: LONG }).toBe(true)
    await expect(card.locator('[data-step]').allTextContents()).resolves.toHaveLength(4)
    await screenshot(plugin, 'chat-card')
    await expectAccessible('chat-card')

    await card.locator('[data-run-button]').click()
    // Lines arrive while the run is still going (it waits 5 s for responders).
    await expect
      .poll(
        async () => {
          const state = await viewer()
          return state.status === 'running' && state.lines > 0
        },
        { timeout: LONG, interval: 50 },
      )
      .toBe(true)
    await screenshot(plugin, 'log-running')
    await expectAccessible('log-running')

    const done = await statusBecomes('success')
    expect(done.runId).not.toBeNull()
    const artifact = ui.locator('[data-artifact="diff"]')
    await artifact.waitFor({ timeout: LONG })
    await expect(artifact.locator('[data-diff-line="added"]').allTextContents()).resolves.toEqual([
      '+- [ ] Follow up sev2 incident in production: checkout errors',
    ])
    // Slack's webhook is not set: the announcement was not sent, and the summary says so.
    await expect(ui.locator('[data-summary]').textContent()).resolves.toMatch(
      /^Dry run: Open an incident in production, 4 steps \(1 as dry run\) in [^;]+; sent: health-snapshot; not sent: announce/,
    )
    const run = await runOf(service, done.runId!)
    expect(run).toMatchObject({
      status: 'success',
      template_slug: 'incident-open',
      intent: 'open a sev2 incident',
      inputs: { summary: 'checkout errors', severity: 'sev2' },
    })
    await screenshot(plugin, 'log-success')
    await expectAccessible('log-success')
    // It finished while open: the main thread was told, and notified.
    await expect
      .poll(() => plugin.page.getByTestId('notifications').textContent(), { timeout: LONG })
      .toContain('“Open an incident: sev2 “checkout errors” in production” finished as a dry run in production')
    await backToTabs()
  })

  it('runs a template from its card', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Templates')
    const card = ui.locator('[data-template-card="deploy-web"]')
    await card.getByRole('textbox', { name: /Git ref/ }).fill('v2.3')
    await card.locator('[data-view-yaml]').click()
    await expect(card.locator('[data-template-yaml]').textContent()).resolves.toContain('kind: deploy')
    await card.locator('[data-run-button]').click()
    const done = await statusBecomes('success')
    const run = await runOf(service, done.runId!)
    expect(run).toMatchObject({ template_slug: 'deploy-web', env: 'staging', inputs: { ref: 'v2.3', env: 'staging', service: 'web' } })
    await backToTabs()
  })

  it('lists both runs in the Runs tab with their status, and filters them', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Runs')
    const items = ui.locator('[data-run]')
    await expect.poll(() => items.count(), { timeout: LONG }).toBe(2)
    const incident = ui.locator('[data-run-template="incident-open"]')
    const deploy = ui.locator('[data-run-template="deploy-web"]')
    await expect(incident.getAttribute('data-run-status')).resolves.toBe('success')
    await expect(deploy.getAttribute('data-run-status')).resolves.toBe('success')
    await expect(incident.locator('[data-status]').textContent()).resolves.toContain('Dry run')

    await ui.locator('[data-filter="filter-template"]').click()
    // Templates by name, as people know them.
    await ui.locator('label:visible', { has: ui.locator('[data-item-id]'), hasText: 'Deploy web' }).click()
    await expect.poll(() => items.count(), { timeout: LONG }).toBe(1)
    await expect(items.first().getAttribute('data-run-template')).resolves.toBe('deploy-web')
    await ui.locator('[data-filter="filter-template"]').click()
    await ui.getByText('Any template', { exact: true }).last().click()
    await expect.poll(() => items.count(), { timeout: LONG }).toBe(2)
    await screenshot(plugin, 'runs')
    await expectAccessible('runs')

    // The whole row is the button: its name is what it shows (status, title, environment, template, age).
    await incident.locator('[data-open-run]').click()
    await expect.poll(async () => (await viewer()).status, { timeout: LONG }).toBe('success')
    await backToTabs()
  })

  it('adds a run summary card to the board', async () => {
    const { ui, page } = plugin
    await openTab(plugin, 'Runs')
    await ui.locator('[data-run-template="incident-open"] [data-add-to-board]').click()
    const canvas = page.getByTestId('canvas')
    await expect.poll(() => canvas.locator('[data-node-id]').count(), { timeout: LONG }).toBeGreaterThan(0)
    await expect.poll(() => canvas.textContent(), { timeout: LONG }).toContain('Open an incident: sev2 “checkout errors” in production')
    await expect.poll(() => ui.locator('[data-toast]').textContent(), { timeout: LONG }).toContain('Added a summary card to the board')
    await page.screenshot({ path: `${root}test-results/screenshots/board.png` })
    // Once more: the card already there is shown, not a second one dropped.
    const nodes = await canvas.locator('[data-node-id]').count()
    await ui.locator('[data-run-template="incident-open"] [data-add-to-board]').click()
    await expect
      .poll(() => ui.locator('[data-toast]').textContent(), { timeout: LONG })
      .toContain('This run already has a card on the board: showing it')
    await expect(canvas.locator('[data-node-id]').count()).resolves.toBe(nodes)
  })

  it('follows a new run in the Runs tab and announces its end though no log is open', async () => {
    const { ui, page } = plugin
    const notices = page.locator('#notifications li')
    const before = await notices.count()
    await openTab(plugin, 'Templates')
    const card = ui.locator('[data-template-card="deploy-web"]')
    await card.getByRole('textbox', { name: /Git ref/ }).fill('v2.4')
    await card.locator('[data-run-button]').click()
    await ui.locator('[data-run-viewer]').waitFor()
    await backToTabs()
    await openTab(plugin, 'Runs')
    const newest = ui.locator('[data-run]').first()
    await expect.poll(() => ui.locator('[data-run]').count(), { timeout: LONG }).toBe(3)
    await expect.poll(() => newest.getAttribute('data-run-status'), { timeout: LONG }).toBe('success')
    await expect.poll(() => notices.count(), { timeout: LONG }).toBe(before + 1)
    // No GitHub token: the dispatch was not sent, and the notice does not call that a success.
    await expect(notices.first().textContent()).resolves.toMatch(/◌ “Deploy web: web @ .+ in staging” finished as a dry run in staging/)
  })

  it('approves a production deploy that waits for approval, which then succeeds', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Chat')
    await ui.locator('[data-intent-bar]').fill('deploy web to prod')
    const card = ui.locator('[data-runbook-card="deploy-web"]')
    await card.locator('[data-approval]').waitFor({ timeout: LONG })
    await card.locator('[data-run-button]').click()
    await statusBecomes('waiting_approval')
    const panel = ui.locator('[data-approval-panel]')
    // A personal workspace protects nothing: its owner is the one approver there, themselves.
    await expect(panel.locator('[data-approval-waiting]').textContent()).resolves.toBe('Waiting for 1 more approval from an approver')
    await panel.getByRole('textbox', { name: /Comment/ }).fill('ship it')
    await screenshot(plugin, 'approval')
    await expectAccessible('approval')
    await panel.locator('[data-approve]').click()
    const done = await statusBecomes('success')
    const approvedBy = /^Approved by Guest [0-9a-f]{4} \(1 of 1\): ship it$/
    const messages = (await eventsOf(service, done.runId!)).map((event) => event.message)
    expect(messages).toContainEqual(expect.stringMatching(approvedBy))
    const lines = await readWholeLog(plugin)
    expect(lines.map((line) => line.message)).toContainEqual(expect.stringMatching(approvedBy))
    await backToTabs()
  })

  it('rejects a production deploy that waits for approval, which then ends canceled and says why', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Chat')
    await ui.locator('[data-intent-bar]').fill('deploy web to prod')
    await ui.locator('[data-runbook-card="deploy-web"] [data-run-button]').click()
    await statusBecomes('waiting_approval')
    const panel = ui.locator('[data-approval-panel]')
    await panel.getByRole('textbox', { name: /Comment/ }).fill('not during the sale')
    await panel.locator('[data-reject]').click()
    const done = await statusBecomes('canceled')
    const run = await runOf(service, done.runId!)
    expect(run).toMatchObject({ status: 'canceled', summary: expect.stringMatching(/^Rejected by Guest [0-9a-f]{4} at step /) })
    await expect
      .poll(() => ui.locator('[data-summary]').textContent(), { timeout: LONG })
      .toMatch(/^Rejected by Guest [0-9a-f]{4} at step /)
    const lines = await readWholeLog(plugin)
    expect(lines.map((line) => line.message)).toContainEqual(expect.stringMatching(/^Rejected by Guest [0-9a-f]{4}: not during the sale$/))
    await expect(ui.locator('[data-approval-panel]').count()).resolves.toBe(0)
    await backToTabs()
  })

  describe('in a team whose production is protected', () => {
    /** The team's admin, who invites the browser user; a second person on the same stack. */
    let lead: { client: OpsClient; userId: string }
    let team: string

    beforeAll(async () => {
      lead = await stack.anonymousUser()
      team = await createTeamWorkspace(lead.client, 'Release team')
      await joinWorkspace(lead.client, (await me()).client, team, 'operator')
      // The team's own release template: its admin saves it (templates are governed). It needs no
      // secret: on a protected environment a step's unbound secret is an error, not a dry run.
      await lead.client
        .rpc('save_template', {
          p_workspace: team,
          p_slug: 'release-web',
          p_template_yaml: RELEASE_TEMPLATE,
          // Null creates it; the generated argument types cannot say that an int argument may be null.
          p_expected_version: null as unknown as number,
          p_title: 'Release web',
          p_kind: 'deploy',
        })
        .throwOnError()
    })

    /** Starts a production deploy in the team as `starter`, as the plugin would with the team as its workspace. */
    async function startInTeam(starter: OpsClient, title: string): Promise<string> {
      const api = createOpsApi(starter, fixedWorkspace(team))
      const template = (await api.listTemplates()).find((t) => t.slug === 'release-web')!
      const run = await api.startRun({
        templateSlug: template.slug,
        templateRevisionId: template.revision_id,
        kind: 'deploy',
        env: 'production',
        title,
        inputs: { env: 'production' },
      })
      return run.id
    }

    it('says why someone may not approve, in words, and lets an approver who did not start the run approve it', async () => {
      const { ui } = plugin
      const runId = await startInTeam(lead.client, 'Team deploy started by the lead')
      await openFromBoard(runId, 'Team deploy started by the lead')
      await statusBecomes('waiting_approval')
      const panel = ui.locator('[data-approval-panel]')
      await expect
        .poll(() => panel.locator('[data-approval-waiting]').textContent(), { timeout: LONG })
        .toBe('Waiting for 1 more approval from an approver')
      await expect(panel.getAttribute('data-approval-step')).resolves.toBe('environment-approval')
      // An operator may start runs but not decide approvals: told so in a sentence, with no button that would be refused.
      await expect
        .poll(() => panel.locator('[data-approval-blocked]').textContent(), { timeout: LONG })
        .toBe('You are an operator in this workspace: only approvers and admins decide this approval.')
      await expect(panel.locator('[data-approve]').count()).resolves.toBe(0)
      await screenshot(plugin, 'approval-refused')
      await expectAccessible('approval-refused')

      // Made an approver, the same person approves (the plugin reads roles again now and then):
      // the gate, then the template's own approval step.
      await lead.client.rpc('set_member_role', { p_workspace: team, p_user: (await me()).userId, p_role: 'approver' }).throwOnError()
      await panel.locator('[data-approve]').waitFor({ timeout: LONG })
      await panel.getByRole('textbox', { name: /Comment/ }).fill('checked the dashboard')
      await panel.locator('[data-approve]').click()
      await expect.poll(() => ui.getByRole('alert').count(), { timeout: LONG }).toBe(0)
      await expect.poll(() => panel.getAttribute('data-approval-step'), { timeout: LONG }).toBe('policy-approval')
      await panel.locator('[data-approve]').click()
      await statusBecomes('success')
      const messages = (await eventsOf(service, runId)).map((event) => event.message)
      expect(messages).toContainEqual(expect.stringMatching(/^Approved by Guest [0-9a-f]{4} \(1 of 1\): checked the dashboard$/))
      await backToTabs()
    })

    it('shows the person who started a run that someone else approves it, with no Approve button', async () => {
      const { ui } = plugin
      const runId = await startInTeam((await me()).client, 'Team deploy started in the browser')
      await openFromBoard(runId, 'Team deploy started in the browser')
      await statusBecomes('waiting_approval')
      const panel = ui.locator('[data-approval-panel]')
      await expect
        .poll(() => panel.locator('[data-approval-blocked]').textContent(), { timeout: LONG })
        .toBe('You started this run: someone else approves it.')
      await expect(panel.locator('[data-approve]').count()).resolves.toBe(0)
      await expect(panel.locator('[data-reject]').count()).resolves.toBe(0)
      await screenshot(plugin, 'approval-self')
      await expectAccessible('approval-self')

      // The team's admin approves from elsewhere (the gate, then the template's step); the open log follows.
      const leadApi = createOpsApi(lead.client, fixedWorkspace(team))
      expect((await leadApi.decideApproval(runId, true, 'go')).status).toBe('queued')
      await expect.poll(() => panel.getAttribute('data-approval-step'), { timeout: LONG }).toBe('policy-approval')
      await leadApi.decideApproval(runId, true)
      await statusBecomes('success')
      await backToTabs()
    })
  })

  it('cancels a running run', async () => {
    const { ui, page } = plugin
    await addTemplate(stack, 'maintenance-hold', HOLD_TEMPLATE)
    await addTemplate(stack, 'staged-rollout', STAGED_TEMPLATE)
    // The templates are loaded when the plugin opens: open it again (the session is kept).
    await page.reload()
    await openTab(plugin, 'Templates')
    const card = ui.locator('[data-template-card="maintenance-hold"]')
    await card.locator('[data-run-button]').click()
    await expect
      .poll(
        async () => {
          const state = await viewer()
          return state.status === 'running' && state.lines > 0
        },
        { timeout: LONG, interval: 50 },
      )
      .toBe(true)
    await ui.locator('[data-cancel]').click()
    const done = await statusBecomes('canceled')
    expect((await runOf(service, done.runId!)).status).toBe('canceled')
    await expect(ui.locator('[data-cancel]').count()).resolves.toBe(0)
    await backToTabs()
  })

  it('ends with the same log as the database when the realtime socket drops mid-run', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Templates')
    await ui.locator('[data-template-card="staged-rollout"] [data-run-button]').click()
    await expect
      .poll(
        async () => {
          const state = await viewer()
          return state.status === 'running' && state.lines > 0 && state.live === 'live'
        },
        { timeout: LONG, interval: 50 },
      )
      .toBe(true)
    // Remember every state of the live indicator from here on.
    const frame = await plugin.frame()
    await frame.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { liveStates: string[] }).liveStates = seen
      const observer = new MutationObserver(() => {
        const live = document.querySelector<HTMLElement>('[data-live]')?.dataset.live
        if (live !== undefined && seen[seen.length - 1] !== live) seen.push(live)
      })
      observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-live'] })
    })
    expect(sockets.size).toBeGreaterThan(0)
    for (const socket of sockets) socket.destroy()

    const done = await statusBecomes('success')
    // A finished run has nothing more to hear: its Live indicator is gone.
    await expect.poll(async () => (await viewer()).live, { timeout: LONG }).toBeNull()
    const states = await frame.evaluate(() => (window as unknown as { liveStates: string[] }).liveStates)
    expect(states).toContain('reconnecting')
    const database = (await eventsOf(service, done.runId!)).map(({ seq, message }) => ({ seq, message }))
    await expect.poll(async () => (await readWholeLog(plugin)).length, { timeout: LONG }).toBe(database.length)
    expect(await readWholeLog(plugin)).toEqual(database)

    // Re-run starts a new run with the same template, env and inputs, shown in its place.
    await ui.locator('[data-rerun]').click()
    await expect.poll(async () => (await viewer()).runId, { timeout: LONG }).not.toBe(done.runId)
    const again = await statusBecomes('success')
    const [first, second] = await Promise.all([runOf(service, done.runId!), runOf(service, again.runId!)])
    expect({ template: second.template_slug, env: second.env, inputs: second.inputs }).toEqual({
      template: first.template_slug,
      env: first.env,
      inputs: first.inputs,
    })
    await backToTabs()
  })

  it('opens a 100,000-line log at its tail, renders only the rows in view, and pages older lines in', async () => {
    const { ui } = plugin
    const total = 100_000
    // A finished run of the plugin's user with a huge log, written straight into the database
    // (without the realtime triggers: nobody is subscribed to it yet).
    const { userId, personal } = await me()
    const runId = await stack.db.transaction(async (tx) => {
      await tx.exec('set local session_replication_role = replica')
      const {
        rows: [run],
      } = await tx.query<{ id: string }>(
        `insert into ops.runs (created_by, workspace_id, template_slug, kind, env, title, inputs, status, attempt, started_at, finished_at, last_seq, summary)
         values ($1, $2, 'staged-rollout', 'rollout', 'staging', 'Bulk import of a very long log', '{}', 'success', 1, now() - interval '5 minutes', now(), $3, 'A long run')
         returning id`,
        [userId, personal, total],
      )
      await tx.query(
        `insert into ops.run_events (run_id, seq, level, source, phase, step_id, message)
         select $1, g, case when g % 5000 = 0 then 'warn' else 'info' end, 'bulk-' || (g / 10000), 'execute', 'bulk-' || (g / 10000), 'bulk line ' || g
         from generate_series(1, $2::int) g`,
        [run.id, total],
      )
      return run.id
    })

    await openTab(plugin, 'Chat')
    await openTab(plugin, 'Runs')
    await ui.locator(`[data-run="${runId}"] button`).first().click()
    const viewport = ui.locator('[data-log-viewport]')
    // The tail is loaded and followed: the last line is in view.
    await ui.locator('[data-seq="100000"]').waitFor({ timeout: LONG })
    const frame = await plugin.frame()
    const rendered = () =>
      frame.evaluate(() => ({
        rows: Number(document.querySelector<HTMLElement>('[data-log-viewport]')!.dataset.rowCount),
        inDom: document.querySelectorAll('[data-log-viewport] [data-row]').length,
      }))
    const tail = await rendered()
    expect(tail.rows).toBeGreaterThanOrEqual(1000)
    expect(tail.rows).toBeLessThan(total)
    expect(tail.inDom).toBeLessThan(100)
    await screenshot(plugin, 'log-100k')
    await expectAccessible('log-100k')

    // Scrolling to the top loads the previous page in front, and keeps the line that was on top in view.
    await viewport.evaluate((element) => {
      element.scrollTop = 0
    })
    await expect.poll(async () => (await rendered()).rows, { timeout: LONG }).toBeGreaterThan(tail.rows)
    await ui.locator('[data-seq="99001"]').waitFor({ timeout: LONG })
    expect((await rendered()).inDom).toBeLessThan(100)
    await ui.locator('[data-jump-latest]').click()
    await ui.locator('[data-seq="100000"]').waitFor({ timeout: LONG })

    // Search finds a line among the loaded ones and scrolls to it, highlighted.
    await ui.getByRole('textbox', { name: 'Search the log' }).fill('bulk line 99950')
    await ui.getByRole('button', { name: 'Next match' }).click()
    await expect.poll(() => ui.locator('[data-match-counter]').textContent(), { timeout: LONG }).toBe('1 of 1')
    await expect(ui.locator('[data-seq="99950"] mark').textContent()).resolves.toBe('bulk line 99950')
    // With text in it the search box shows its clear button, which has a name too.
    await expectAccessible('log search')
    await ui.getByRole('button', { name: 'Clear the log search' }).click()
    await expect(ui.getByRole('textbox', { name: 'Search the log' }).inputValue()).resolves.toBe('')

    // The level filter keeps warnings (every 5,000th line) and their group headers.
    await ui.locator('[data-level-filter]').click()
    await ui.getByText('Warnings and errors', { exact: true }).last().click()
    await expect
      .poll(
        async () =>
          frame.evaluate(() =>
            [...document.querySelectorAll<HTMLElement>('[data-log-viewport] [data-seq]')].map((line) => line.dataset.level),
          ),
        { timeout: LONG },
      )
      .toEqual(expect.arrayContaining(['warn']))
    expect(
      await frame.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-log-viewport] [data-seq]')].every((line) => line.dataset.level === 'warn'),
      ),
    ).toBe(true)
    await backToTabs()
  })

  it('shows hostile text in a log line and an artifact as text, and runs none of it', async () => {
    const { ui } = plugin
    const hostile = "<img src=x onerror=\"window.__pwned='log'\"><script>window.__pwned='script'</script>"
    await openTab(plugin, 'Chat')
    await ui.locator('[data-intent-bar]').fill('open a sev3 incident')
    const card = ui.locator('[data-runbook-card="incident-open"]')
    await card.getByRole('textbox', { name: /What is happening/ }).fill(hostile)
    await card.locator('[data-run-button]').click()
    await statusBecomes('success')
    await ui.locator('[data-artifact="diff"]').waitFor({ timeout: LONG })
    const lines = await readWholeLog(plugin)
    expect(lines.some((line) => line.message.includes(hostile.replaceAll('"', '\\"')) || line.message.includes(hostile))).toBe(true)
    await expect(ui.locator('[data-diff-line="added"]').textContent()).resolves.toContain(hostile)
    const frame = await plugin.frame()
    expect(
      await frame.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
        images: document.querySelectorAll('[data-run-viewer] img').length,
        scripts: document.querySelectorAll('[data-run-viewer] script').length,
      })),
    ).toEqual({ pwned: null, images: 0, scripts: 0 })
    await backToTabs()
  })

  it('renders a hostile markdown document as text and links, and runs or fetches none of it', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Spec Kit')
    await ui.locator('[data-spec-doc="continue-orchestrator/plan"]').click()
    await ui.getByRole('radio', { name: 'Write' }).check()
    const textarea = ui.locator('[data-doc-textarea]')
    await textarea.fill(
      [
        '# Hostile',
        '<img src="x" onerror="window.__pwned=\'markdown\'">',
        "<script>window.__pwned='script'</script>",
        "[a link](javascript:window.__pwned='link')",
        '<a href="https://example.com" onclick="window.__pwned=\'click\'">raw link</a>',
        '![remote image](https://example.com/pixel.gif) [safe link](https://example.com)',
        '',
      ].join('\n\n'),
    )
    await ui.getByRole('radio', { name: 'Preview' }).check()
    const previewPane = ui.locator('[data-markdown-preview]')
    await previewPane.locator('h1').waitFor({ timeout: LONG })
    const frame = await plugin.frame()
    // Let the broken image finish failing, which is when an onerror would run.
    await expect
      .poll(
        () =>
          frame.evaluate(() =>
            [...document.querySelectorAll<HTMLImageElement>('[data-markdown-preview] img')].every((img) => img.complete),
          ),
        { timeout: LONG },
      )
      .toBe(true)
    expect(
      await frame.evaluate(() => {
        const pane = document.querySelector('[data-markdown-preview]')!
        return {
          pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
          handlers: [...pane.querySelectorAll('*')]
            .flatMap((element) => [...element.attributes].map((a) => a.name))
            .filter((name) => name.startsWith('on')),
          scripts: pane.querySelectorAll('script').length,
          images: pane.querySelectorAll('img').length,
          scriptLinks: pane.querySelectorAll('a[href^="javascript"]').length,
          safeLink: pane.querySelector<HTMLAnchorElement>('a[href="https://example.com/"]')?.rel ?? null,
          // HTML in the document shows as the text typed.
          shownAsText: pane.textContent?.includes("<script>window.__pwned='script'</script>") ?? false,
        }
      }),
    ).toEqual({ pwned: null, handlers: [], scripts: 0, images: 0, scriptLinks: 0, safeLink: 'noopener noreferrer', shownAsText: true })
    await ui.getByText('Discard', { exact: true }).click()
  })

  it('saves a Spec Kit edit that is still there after the plugin is reopened', async () => {
    const { ui, page } = plugin
    await openTab(plugin, 'Spec Kit')
    await ui.locator('[data-spec-doc="continue-orchestrator/constitution"]').click()
    await ui.getByRole('radio', { name: 'Write' }).check()
    const textarea = ui.locator('[data-doc-textarea]')
    const original = await textarea.inputValue()
    await textarea.fill(`${original}\n\nEdited in the browser test.\n`)
    await ui.locator('[data-save-doc]').click()
    await expect.poll(() => ui.locator('[data-doc-version]').getAttribute('data-doc-version'), { timeout: LONG }).toBe('2')

    await page.reload()
    await openTab(plugin, 'Spec Kit')
    await ui.locator('[data-spec-doc="continue-orchestrator/constitution"]').click()
    await expect.poll(() => ui.locator('[data-markdown-preview]').textContent(), { timeout: LONG }).toContain('Edited in the browser test.')
    await expect(ui.locator('[data-doc-version]').getAttribute('data-doc-version')).resolves.toBe('2')

    await ui.getByRole('radio', { name: 'History' }).check()
    await ui.locator('[data-revision="1"]').click()
    await expect
      .poll(() => ui.locator('[data-revision-view="1"]').textContent(), { timeout: LONG })
      .not.toContain('Edited in the browser test.')
  })

  it('toggles a task checkbox in the preview and saves exactly that task', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Spec Kit')
    await ui.locator('[data-spec-doc="continue-orchestrator/tasks"]').click()
    const before = await specDoc('continue-orchestrator/tasks')
    const checkbox = ui.locator('[data-markdown-preview] input[data-task-index="2"]')
    await checkbox.waitFor()
    // Two open proposals above the editor and the board bar below: the editor keeps its room.
    await expect(ui.locator('[data-proposals="2"]').count()).resolves.toBe(1)
    await screenshot(plugin, 'spec-kit-tasks-with-proposals')
    expect(await spilledBoxes(plugin)).toEqual([])
    const wasChecked = await checkbox.isChecked()
    await checkbox.click()
    await expect.poll(() => checkbox.isChecked(), { timeout: LONG }).toBe(!wasChecked)
    await ui.locator('[data-save-doc]').click()
    await expect.poll(async () => (await specDoc('continue-orchestrator/tasks')).content, { timeout: LONG }).not.toBe(before.content)
    const after = await specDoc('continue-orchestrator/tasks')
    const changed = [...after.content].flatMap((char, i) => (char === before.content[i] ? [] : [i]))
    expect(changed).toHaveLength(1)
    const taskLines = after.content.split('\n').filter((line) => /^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s/.test(line))
    expect(/\[[xX]\]/.test(taskLines[2])).toBe(!wasChecked)
  })

  it('shows a stale save as a three-way merge and saves both people’s lines', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Spec Kit')
    await ui.locator('[data-spec-doc="continue-orchestrator/prd"]').click()
    await ui.getByRole('radio', { name: 'Write' }).check()
    const textarea = ui.locator('[data-doc-textarea]')
    const original = await textarea.inputValue()
    await textarea.fill(`${original}\nMy edit from the plugin.\n`)
    // Someone saves first: the same person in another window.
    const doc = await specDoc('continue-orchestrator/prd')
    await (
      await me()
    ).client
      .rpc('save_spec_doc', {
        p_workspace: (await me()).personal,
        p_slug: 'continue-orchestrator/prd',
        p_content: `${doc.content}\nTheir edit from elsewhere.\n`,
        p_expected_version: doc.version,
      })
      .throwOnError()

    await ui.locator('[data-save-doc]').click()
    const conflict = ui.locator('[data-save-conflict]')
    await conflict.waitFor({ timeout: LONG })
    // Both added a last line: one conflict that keeps both, theirs first, unless one is dropped.
    const clash = conflict.locator('[data-merge-conflict="0"]')
    await expect(clash.locator('[data-merge-lines="theirs"]').textContent()).resolves.toContain('Their edit from elsewhere.')
    await expect(clash.locator('[data-merge-lines="mine"]').textContent()).resolves.toContain('My edit from the plugin.')
    await expect(clash.locator('[data-merge-choice="both"]').isChecked()).resolves.toBe(true)
    await expect(textarea.inputValue()).resolves.toContain('My edit from the plugin.')
    // One clear sentence, not the server's message repeated after it.
    const message = (await conflict.locator('[data-conflict-message]').textContent()) ?? ''
    expect(message).toMatch(/^Not saved: prd\.md was changed by Guest [0-9a-f]{4} \(now version \d+\) after you opened it\./)
    expect(message).not.toMatch(/spec doc|you edited version/)
    expect(message.match(/changed by/g)).toHaveLength(1)
    await screenshot(plugin, 'spec-kit-conflict')
    await expectAccessible('spec-kit-conflict')

    await conflict.locator('[data-save-merge]').click()
    await expect.poll(() => conflict.count(), { timeout: LONG }).toBe(0)
    const saved = await specDoc('continue-orchestrator/prd')
    expect(saved.version).toBe(doc.version + 2)
    expect(saved.content).toContain('My edit from the plugin.')
    expect(saved.content).toContain('Their edit from elsewhere.')
  })

  it('checks the Supabase settings before saving them', async () => {
    const { ui } = plugin
    await ui.locator('[data-open-settings]').click()
    const panel = ui.locator('[data-settings-panel]')
    await panel.locator('[data-settings-url]').fill('ftp://example.com')
    await panel.locator('[data-settings-key]').fill(stack.serviceRoleKey)
    await panel.locator('[data-settings-save]').click()
    await expect
      .poll(() => panel.getByRole('alert').allTextContents(), { timeout: LONG })
      .toEqual([
        expect.stringContaining('must start with https://'),
        // The stack's server key: the legacy service_role JWT, or a secret key in new key mode.
        expect.stringContaining(stack.keyMode === 'legacy' ? 'service_role key' : 'This is a secret key'),
      ])
    await screenshot(plugin, 'settings-invalid')
    await expectAccessible('settings-invalid')
    await panel.getByRole('button', { name: 'Cancel' }).click()
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
  })

  it('Enter shows the card and starts nothing; Run starts it; a forced dry run wears its own badge and says why', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Chat')
    const countRuns = async () => (await service.from('runs').select('id', { count: 'exact', head: true })).count
    const before = await countRuns()
    const bar = ui.locator('[data-intent-bar]')

    // A protected environment: Enter only brings the card (titled with what would run) into focus.
    await bar.fill('rollback api in production')
    await bar.press('Enter')
    const card = ui.locator('[data-runbook-card="deploy-web"]')
    await expect(card.locator('[data-run-title]').textContent()).resolves.toBe('Deploy web: rollback api @ main in production')
    await expect
      .poll(() => plugin.frame().then((frame) => frame.evaluate(() => document.activeElement?.hasAttribute('data-run-title'))))
      .toBe(true)
    await bar.fill('rollback api in staging')
    await bar.press('Enter')
    await bar.press('Enter')
    // Nothing started, however often Enter is pressed.
    await expect(ui.locator('[data-run-viewer]').count()).resolves.toBe(0)
    expect(await countRuns()).toBe(before)

    // A value the parser cuts is named, with why.
    await bar.fill('deploy web to staging ref=bad ref!')
    await expect(card.locator('[data-intent-notes]').textContent()).resolves.toContain('used “bad”; “ref!” after it was left out')
    await expectAccessible('chat-card-notes')

    // The deliberate second action: Run.
    await bar.fill('rollback api in staging')
    await card.locator('[data-run-button]').click()
    await expect.poll(async () => (await viewer()).status, { timeout: LONG, interval: 100 }).toBe('success')
    const badge = ui.locator('[data-run-viewer] [data-outcome="dry_run"]')
    await badge.waitFor({ timeout: LONG })
    await expect(badge.textContent()).resolves.toContain('Dry run')
    await expect(ui.locator('[data-run-viewer] [data-dry-run-reason]').textContent()).resolves.toContain('secret GITHUB_TOKEN')
    await expect(ui.locator('[data-run-viewer] h2').textContent()).resolves.toBe('Deploy web: rollback api @ main in staging')
    await expect(ui.locator('[data-summary]').textContent()).resolves.toMatch(
      /^Dry run: Deploy web in staging, .*not sent: dispatch \(secret GITHUB_TOKEN/,
    )
    await screenshot(plugin, 'dry-run-badge')
    await expectAccessible('log-dry-run')
    await backToTabs()

    // The Runs row says what ran, and that it was a dry run.
    await openTab(plugin, 'Runs')
    const row = ui.locator('[data-run]').filter({ hasText: 'Deploy web: rollback api @ main in staging' })
    await row.first().waitFor({ timeout: LONG })
    await expect(row.first().locator('[data-outcome]').textContent()).resolves.toContain('Dry run')
    await screenshot(plugin, 'runs-dry-run-badge')
    await expectAccessible('runs-dry-run')
    await openTab(plugin, 'Chat')
  })

  it('looks like FigJam in FigJam', async () => {
    const { ui, page } = plugin
    await page.locator('#editor').selectOption('figjam')
    await expect
      .poll(() => plugin.frame().then((frame) => frame.evaluate(() => document.body.className)), { timeout: LONG })
      .toContain('theme-figjam')
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    await ui.locator('[data-intent-bar]').fill('deploy api to staging ref=v2.3')
    await ui.locator('[data-runbook-card="deploy-web"]').waitFor({ timeout: LONG })
    await screenshot(plugin, 'chat-figjam')
    await expectAccessible('chat-figjam')
    await page.locator('#theme').selectOption('dark')
    await ui.getByRole('tab', { name: 'Runs' }).click()
    await expect.poll(() => ui.locator('[data-run]').count(), { timeout: LONG }).toBeGreaterThan(0)
    await screenshot(plugin, 'runs-figjam-dark')
    await expectAccessible('runs-figjam-dark')
  })
})
