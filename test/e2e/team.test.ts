/**
 * A team in the plugin, end to end in real Chromium: three people, each in their own browser
 * preview (their own origin, so their own stored session), on one local stack whose executor
 * really runs the runs. A creates a workspace and invites B (approver) and C (viewer) from the
 * members panel; they join with the codes. A production deploy A starts appears live in B's
 * approvals inbox; B approves and A's log goes on. C can neither start nor approve and is told
 * why. Waits poll; nothing asserts how long anything took.
 */
import { createClient } from '@supabase/supabase-js'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { eventsOf } from '../support/executor.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { RELEASE_TEMPLATE } from './support/templates.ts'

/** The release template with an intent no starter template has ("release" and "promote" also pick deploy-web). */
const LAUNCH_TEMPLATE = RELEASE_TEMPLATE.replace('intents: [release]', 'intents: [launch]')
import { axeFindings } from './support/axe.ts'

interface Person {
  plugin: PluginUi
  userId: string
  /** The person's own session over REST, as a second window of theirs would have it. */
  client: OpsClient
  /** The name the workspace knows them by (an anonymous user's is "Guest" and 4 hex digits). */
  name: string
}

const TEAM = 'Release team'

describe('a team in the plugin, in Chromium', { timeout: 300_000 }, () => {
  let stack: TestStack
  let service: OpsClient
  let browser: LaunchedBrowser
  const previews: Preview[] = []
  let a: Person
  let b: Person
  let c: Person
  let team: string
  /** A second admin, who makes A an operator and edits the template. */
  let lead: { client: OpsClient; userId: string }

  async function signIn(page: Page): Promise<Person> {
    const preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
    previews.push(preview)
    await page.goto(preview.url)
    const plugin = pluginUi(page)
    await plugin.ui.getByRole('button', { name: 'Continue without an account' }).click({ timeout: LONG })
    await plugin.ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    // The session reaches the host page's storage a moment after the tabs show (expect.poll is for tests only).
    let stored: [string, string] | undefined
    for (let tries = 0; stored === undefined && tries < 300; tries++) {
      stored = await page.evaluate(() =>
        Object.entries(localStorage).find(([key]) => /^ops-preview:clientStorage:session:sb-.+-auth-token$/.test(key)),
      )
      if (stored === undefined) await page.waitForTimeout(100)
    }
    if (stored === undefined) throw new Error('no session was stored after signing in')
    const session = JSON.parse(JSON.parse(stored[1]) as string) as { access_token: string; user: { id: string } }
    const client = createClient<Database, 'ops'>(stack.url, stack.anonKey, {
      db: { schema: 'ops' },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { headers: { Authorization: `Bearer ${session.access_token}` } },
    })
    const userId = session.user.id
    return { plugin, userId, client, name: `Guest ${userId.replace(/-/g, '').slice(0, 4)}` }
  }

  async function expectAccessible(person: Person, view: string): Promise<void> {
    expect(await axeFindings(await person.plugin.frame()), `axe findings in ${view}`).toEqual([])
  }

  /** The role each member has, as the database says. */
  async function roles(): Promise<Record<string, string>> {
    const { data } = await service.from('workspace_members').select('user_id, role').eq('workspace_id', team).throwOnError()
    return Object.fromEntries(data.map((m) => [m.user_id, m.role]))
  }

  async function openMembers(person: Person) {
    await person.plugin.ui.locator('[data-open-team]').click()
    return person.plugin.ui.locator('[data-members-panel]')
  }

  async function closePanel(person: Person) {
    await person.plugin.ui.locator('[data-close-panel]').click()
  }

  /** The invite code the admin's members panel shows for a new invite with `role`. */
  async function inviteFromPanel(admin: Person, role: string): Promise<string> {
    const panel = admin.plugin.ui.locator('[data-members-panel]')
    await panel.locator('[data-invite-role]').selectOption(role)
    await panel.locator('[data-create-invite]').click()
    const codeBox = panel.locator('[data-invite-code]')
    await expect.poll(() => codeBox.inputValue(), { timeout: LONG }).toMatch(/^ocr-[0-9a-f]{32}$/)
    await expect(panel.locator('[data-invite-expiry]').textContent()).resolves.toMatch(/^Works once, until .+\./)
    return codeBox.inputValue()
  }

  async function joinFromPanel(person: Person, code: string): Promise<void> {
    const { ui } = person.plugin
    await ui.locator('[data-open-team]').click()
    await ui.locator('[data-invite-code-input]').fill(code)
    await ui.locator('[data-join-workspace]').click()
    // Joining makes the workspace current.
    await expect
      .poll(() => ui.locator('[data-workspace-switcher]').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text), { timeout: LONG })
      .toBe(TEAM)
  }

  function viewerStatus(person: Person) {
    return person.plugin.ui.locator('[data-run-viewer] [data-status]').getAttribute('data-status')
  }

  beforeAll(async () => {
    delete process.env.GITHUB_TOKEN
    delete process.env.SLACK_WEBHOOK_URL
    stack = await startTestStack('pglite', { drainIntervalMs: 200, functionsRuntime: 'deno' })
    service = stack.client(stack.serviceRoleKey)
    browser = await launchChromium({ width: 1000, height: 900 })
    a = await signIn(await browser.context.newPage())
    b = await signIn(await browser.context.newPage())
    c = await signIn(await browser.context.newPage())
    // Three people signing in on a busy machine take longer than a hook's default.
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    for (const preview of previews) await preview.close()
    await stack?.stop()
  })

  it('offers a person alone to create a workspace or join one, and makes the new one current', async () => {
    const { ui } = a.plugin
    await ui.locator('[data-open-team]').click()
    await expect(ui.locator('[data-alone]').textContent()).resolves.toContain('You work alone in your personal workspace')
    await ui.locator('[data-new-workspace-name]').fill(TEAM)
    await ui.locator('[data-create-workspace]').click()
    await expect
      .poll(() => ui.locator('[data-workspace-switcher]').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text), { timeout: LONG })
      .toBe(TEAM)
    await expect.poll(() => ui.locator('[data-my-role]').getAttribute('data-my-role'), { timeout: LONG }).toBe('admin')
    const { data } = await service.from('workspaces').select('id').eq('name', TEAM).single().throwOnError()
    team = data.id
    // The choice is remembered per person in the main thread's client storage.
    const remembered = await a.plugin.page.evaluate(
      (key) => localStorage.getItem(key),
      `ops-preview:clientStorage:session:ops-current-workspace:${a.userId}`,
    )
    expect(remembered === null ? null : (JSON.parse(remembered) as string)).toBe(team)
  })

  it('lets the admin invite with a role, change a role and remove someone after confirming; others see the members read-only', async () => {
    const approverCode = await inviteFromPanel(a, 'approver')
    await joinFromPanel(b, approverCode)
    const viewerCode = await inviteFromPanel(a, 'viewer')
    await joinFromPanel(c, viewerCode)
    // A fourth person, who joins as an operator over REST and is then removed.
    const d = await stack.anonymousUser()
    const operatorCode = await inviteFromPanel(a, 'operator')
    await screenshot(a.plugin, 'members-invite')
    await expectAccessible(a, 'members panel with a new invite code')
    await d.client.rpc('accept_invite', { p_code: operatorCode }).throwOnError()
    expect(await roles()).toEqual({ [a.userId]: 'admin', [b.userId]: 'approver', [c.userId]: 'viewer', [d.userId]: 'operator' })

    const panel = a.plugin.ui.locator('[data-members-panel]')
    // Listed again when the panel opens.
    await closePanel(a)
    await openMembers(a)
    await expect.poll(() => panel.locator('[data-member]').count(), { timeout: LONG }).toBe(4)
    const dName = `Guest ${d.userId.replace(/-/g, '').slice(0, 4)}`
    const dRow = panel.locator(`[data-member="${dName}"]`)
    await dRow.locator('[data-member-role]').selectOption('approver')
    await expect.poll(async () => (await roles())[d.userId], { timeout: LONG }).toBe('approver')
    await dRow.locator('[data-remove-member]').click()
    await screenshot(a.plugin, 'members-panel')
    await expectAccessible(a, 'members panel with a removal to confirm')
    // Keep: nothing happens. Remove: they are gone.
    await dRow.locator('[data-confirm-remove-no]').click()
    expect(Object.keys(await roles())).toHaveLength(4)
    await dRow.locator('[data-remove-member]').click()
    await dRow.locator('[data-confirm-remove-yes]').click()
    await expect.poll(() => panel.locator('[data-member]').count(), { timeout: LONG }).toBe(3)
    expect(Object.keys(await roles()).sort()).toEqual([a.userId, b.userId, c.userId].sort())

    // The viewer reads the same list, with no way to change it.
    const seen = await openMembers(c)
    await expect.poll(() => seen.locator('[data-member]').count(), { timeout: LONG }).toBe(3)
    await expect(seen.locator('[data-members-read-only]').textContent()).resolves.toContain('only admins invite people and change roles')
    await expect(seen.locator('[data-member-role], [data-remove-member], [data-create-invite]').count()).resolves.toBe(0)
    await expectAccessible(c, 'members panel, read-only')
    await closePanel(c)
    await closePanel(a)
  })

  it('puts a production deploy A starts into B’s inbox live; B approves with a comment and A’s log goes on', async () => {
    // The team's release template (templates are governed: the admin saves it), and A made an
    // operator by a second admin, as a team would run it.
    await a.client
      .rpc('save_template', {
        p_workspace: team,
        p_slug: 'release-web',
        p_template_yaml: LAUNCH_TEMPLATE,
        p_expected_version: null as unknown as number,
        p_title: 'Release web',
        p_kind: 'deploy',
      })
      .throwOnError()
    lead = await stack.anonymousUser()
    const { data: invite } = await a.client.rpc('create_invite', { p_workspace: team, p_role: 'admin' }).throwOnError()
    await lead.client.rpc('accept_invite', { p_code: invite[0].code }).throwOnError()
    await lead.client.rpc('set_member_role', { p_workspace: team, p_user: a.userId, p_role: 'operator' }).throwOnError()

    // B's inbox is open and empty before the run exists.
    await b.plugin.ui.locator('[data-open-inbox]').click()
    await b.plugin.ui.locator('[data-inbox-empty]').waitFor({ timeout: LONG })
    await expect(b.plugin.ui.locator('[data-inbox-count]').getAttribute('data-inbox-count')).resolves.toBe('0')

    // A reloads the plugin (roles are read when it opens): the template is there, A is an operator.
    await a.plugin.page.reload()
    await expect.poll(() => a.plugin.ui.locator('[data-my-role]').getAttribute('data-my-role'), { timeout: LONG }).toBe('operator')
    await openTab(a.plugin, 'Chat')
    await a.plugin.ui.locator('[data-intent-bar]').fill('launch to prod')
    const card = a.plugin.ui.locator('[data-runbook-card="release-web"]')
    await card.locator('[data-run-button]').click({ timeout: LONG })
    await expect.poll(() => viewerStatus(a), { timeout: LONG }).toBe('waiting_approval')
    const aPanel = a.plugin.ui.locator('[data-approval-panel]')
    await expect
      .poll(() => aPanel.locator('[data-approval-blocked]').textContent(), { timeout: LONG })
      .toBe('You started this run: someone else approves it.')
    await expect(aPanel.locator('[data-approval-waiting]').textContent()).resolves.toBe('Waiting for 1 more approval from an approver')
    await expect(aPanel.locator('[data-approve]').count()).resolves.toBe(0)
    const runId = await a.plugin.ui.locator('[data-run-viewer]').getAttribute('data-run-viewer')

    // B: it appears live, counted in the badge, with what will run.
    const item = b.plugin.ui.locator(`[data-inbox-mine] [data-inbox-run="${runId}"]`)
    await item.waitFor({ timeout: LONG })
    await expect(b.plugin.ui.locator('[data-inbox-count]').getAttribute('data-inbox-count')).resolves.toBe('1')
    await expect(item.locator('[data-inbox-meta]').textContent()).resolves.toMatch(
      new RegExp(`^production · release-web revision 1 · started by ${a.name} · `),
    )
    await expect(item.locator('[data-approval-progress]').textContent()).resolves.toBe('0 of 1 approval')
    await expect(item.locator('[data-plan-step]').allTextContents()).resolves.toContain('Roll out (wait)')
    await expect.poll(() => item.locator('[data-template-change]').getAttribute('data-template-change'), { timeout: LONG }).toBe('first')

    // C, a viewer, sees it waiting for someone else, and why they cannot act.
    await c.plugin.ui.locator('[data-open-inbox]').click()
    const cItem = c.plugin.ui.locator(`[data-inbox-others] [data-inbox-run="${runId}"]`)
    await cItem.waitFor({ timeout: LONG })
    await expect(cItem.locator('[data-approval-blocked]').textContent()).resolves.toBe(
      'You are a viewer in this workspace: only approvers and admins decide this approval.',
    )
    await expect(cItem.locator('[data-approve], [data-reject]').count()).resolves.toBe(0)
    await expect(c.plugin.ui.locator('[data-inbox-count]').getAttribute('data-inbox-count')).resolves.toBe('0')
    await screenshot(c.plugin, 'approvals-inbox-viewer')
    await expectAccessible(c, 'the inbox of a viewer')

    await screenshot(b.plugin, 'approvals-inbox')
    await expectAccessible(b, 'the inbox of an approver')
    // From the keyboard: the comment, then Approve.
    await item.getByRole('textbox', { name: /Comment/ }).fill('dashboards are green')
    await item.getByRole('textbox', { name: /Comment/ }).press('Tab')
    await b.plugin.page.keyboard.press('Enter')
    // The gate passed; the template's own approval step comes next, in the same inbox.
    await expect
      .poll(() => item.locator('[data-approval-panel]').getAttribute('data-approval-step'), { timeout: LONG })
      .toBe('policy-approval')
    // The comment was for the gate: the next step's box starts empty, so it is not sent again.
    await expect(item.getByRole('textbox', { name: /Comment/ }).inputValue()).resolves.toBe('')
    await item.locator('[data-approve]').click()
    await item.waitFor({ state: 'detached', timeout: LONG })

    // A's log goes on to the end, and says who started and who approved, by name.
    await expect.poll(() => viewerStatus(a), { timeout: LONG }).toBe('success')
    await expect
      .poll(() => a.plugin.ui.locator('[data-run-people]').textContent(), { timeout: LONG })
      .toBe(`Started by ${a.name} · approved by ${b.name} (“dashboards are green”) · approved by ${b.name}`)
    const messages = (await eventsOf(service, runId!)).map((event) => event.message)
    expect(messages).toContainEqual(`Approved by ${b.name} (1 of 1): dashboards are green`)
    await a.plugin.ui.locator('[data-back]').click()
  })

  it('shows what changed in the template since the last approved run, and a rejection cancels the run and names who', async () => {
    const { data: current } = await a.client
      .from('run_templates')
      .select('version')
      .eq('workspace_id', team)
      .eq('slug', 'release-web')
      .single()
      .throwOnError()
    // The second admin edits the template: its revision 2.
    const changed = LAUNCH_TEMPLATE.replace('with: { duration: 500ms }', 'with: { duration: 300ms }')
    const { data: saved } = await lead.client
      .rpc('save_template', {
        p_workspace: team,
        p_slug: 'release-web',
        p_template_yaml: changed,
        p_expected_version: current.version,
        p_title: 'Release web',
        p_kind: 'deploy',
      })
      .throwOnError()
    expect(saved.version).toBe(2)

    // A's catalog is read when the plugin opens: reopened, it offers revision 2.
    await a.plugin.page.reload()
    await openTab(a.plugin, 'Chat')
    await a.plugin.ui.locator('[data-intent-bar]').fill('launch to prod')
    await a.plugin.ui.locator('[data-runbook-card="release-web"] [data-run-button]').click({ timeout: LONG })
    await expect.poll(() => viewerStatus(a), { timeout: LONG }).toBe('waiting_approval')
    const runId = await a.plugin.ui.locator('[data-run-viewer]').getAttribute('data-run-viewer')

    const item = b.plugin.ui.locator(`[data-inbox-mine] [data-inbox-run="${runId}"]`)
    await item.waitFor({ timeout: LONG })
    await expect.poll(() => item.locator('[data-template-change]').getAttribute('data-template-change'), { timeout: LONG }).toBe('changed')
    await expect(item.locator('[data-template-change] p').textContent()).resolves.toBe(
      'Changed since the last approved run: revision 1 → 2.',
    )
    await expect(item.locator('[data-diff-line="removed"]').allTextContents()).resolves.toEqual(['-    with: { duration: 500ms }'])
    await expect(item.locator('[data-diff-line="added"]').allTextContents()).resolves.toEqual(['+    with: { duration: 300ms }'])
    await screenshot(b.plugin, 'approvals-inbox-diff')
    await expectAccessible(b, 'the inbox with a template diff')

    await item.getByRole('textbox', { name: /Comment/ }).fill('not during the sale')
    await item.locator('[data-reject]').click()
    await item.waitFor({ state: 'detached', timeout: LONG })
    await expect.poll(() => viewerStatus(a), { timeout: LONG }).toBe('canceled')
    await expect
      .poll(() => a.plugin.ui.locator('[data-run-people]').textContent(), { timeout: LONG })
      .toBe(`Started by ${a.name} · rejected by ${b.name} (“not during the sale”)`)
    await a.plugin.ui.locator('[data-back]').click()
  })

  it('shows everyone’s runs with who started them, and a Mine filter', async () => {
    const { ui } = b.plugin
    await closePanel(b)
    await openTab(b.plugin, 'Runs')
    await expect.poll(() => ui.locator('[data-run]').count(), { timeout: LONG }).toBe(2)
    await expect(ui.locator('[data-started-by]').allTextContents()).resolves.toEqual([`by ${a.name}`, `by ${a.name}`])
    await ui.locator('[data-run-starters="mine"]').focus()
    await b.plugin.page.keyboard.press('Enter')
    await expect(ui.locator('[data-run-starters="mine"]').getAttribute('aria-pressed')).resolves.toBe('true')
    await expect.poll(() => ui.locator('[data-run]').count(), { timeout: LONG }).toBe(0)
    await expectAccessible(b, 'the Runs tab filtered to mine')
    await ui.locator('[data-run-starters="everyone"]').click()
    await expect.poll(() => ui.locator('[data-run]').count(), { timeout: LONG }).toBe(2)
  })

  it('tells a viewer why they cannot start a run', async () => {
    const { ui } = c.plugin
    // Reopened, the plugin lists the template the admin saved after C joined.
    await c.plugin.page.reload()
    await expect.poll(() => ui.locator('[data-my-role]').getAttribute('data-my-role'), { timeout: LONG }).toBe('viewer')
    await openTab(c.plugin, 'Chat')
    await ui.locator('[data-intent-bar]').fill('launch to staging')
    const card = ui.locator('[data-runbook-card="release-web"]')
    await card.locator('[data-run-button]').click({ timeout: LONG })
    await expect
      .poll(() => card.getByRole('alert').textContent(), { timeout: LONG })
      .toBe(`You are a viewer in ${TEAM}: only operators, approvers and admins start runs. Ask an admin for the operator role.`)
    const { count } = await service
      .from('runs')
      .select('id', { count: 'exact', head: true })
      .eq('workspace_id', team)
      .eq('created_by', c.userId)
    expect(count).toBe(0)
  })
})
