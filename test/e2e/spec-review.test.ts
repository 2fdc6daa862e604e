/**
 * Spec review in the plugin, end to end in real Chromium: two people, each in their own browser
 * preview on one local stack, in one team workspace (A an admin, B an approver). A asks B to
 * review the PRD; B requests changes; A edits; B loads the new version and approves; each sees
 * the other's step live. Then both edit the same version: the later save opens the three-way view,
 * and saving the merge keeps both people's lines. Waits poll; nothing asserts how long anything took.
 */
import { createClient } from '@supabase/supabase-js'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { LONG, openTab, pluginUi, screenshot, spilledBoxes, type PluginUi } from './support/plugin-ui.ts'
import { axeFindings } from './support/axe.ts'

interface Person {
  plugin: PluginUi
  userId: string
  client: OpsClient
  name: string
}

const TEAM = 'Spec team'
const SLUG = 'continue-orchestrator/prd'

describe('spec review by two people, in Chromium', { timeout: 300_000 }, () => {
  let stack: TestStack
  let service: OpsClient
  let browser: LaunchedBrowser
  const previews: Preview[] = []
  let a: Person
  let b: Person
  let team: string

  async function signIn(page: Page): Promise<Person> {
    const preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
    previews.push(preview)
    await page.goto(preview.url)
    const plugin = pluginUi(page)
    await plugin.ui.getByRole('button', { name: 'Continue without an account' }).click({ timeout: LONG })
    await plugin.ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
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

  /** Reloads the plugin, switches to the team and opens the PRD in the Spec Kit tab. */
  async function openPrd(person: Person): Promise<void> {
    const { ui, page } = person.plugin
    await page.reload()
    const switcher = ui.locator('[data-workspace-switcher]')
    await switcher.waitFor({ timeout: LONG })
    await switcher.selectOption({ label: TEAM })
    await openTab(person.plugin, 'Spec Kit')
    await ui.locator(`[data-spec-doc="${SLUG}"]`).click({ timeout: LONG })
    await ui.locator('[data-review-bar][data-review-state]').waitFor({ timeout: LONG })
  }

  const reviewState = (person: Person) => person.plugin.ui.locator('[data-review-bar]').getAttribute('data-review-state')
  const reviewDetail = (person: Person) => person.plugin.ui.locator('[data-review-detail]').textContent()

  async function prd() {
    const { data } = await service
      .from('spec_docs')
      .select('id, version, content')
      .eq('workspace_id', team)
      .eq('slug', SLUG)
      .single()
      .throwOnError()
    return data
  }

  async function write(person: Person, edit: (content: string) => string): Promise<void> {
    const { ui } = person.plugin
    await ui.getByRole('radio', { name: 'Write' }).check()
    const textarea = ui.locator('[data-doc-textarea]')
    await textarea.fill(edit(await textarea.inputValue()))
  }

  async function expectAccessible(person: Person, view: string): Promise<void> {
    expect(await axeFindings(await person.plugin.frame()), `axe findings in ${view}`).toEqual([])
  }

  beforeAll(async () => {
    stack = await startTestStack('pglite')
    service = stack.client(stack.serviceRoleKey)
    browser = await launchChromium({ width: 900, height: 900 })
    a = await signIn(await browser.context.newPage())
    b = await signIn(await browser.context.newPage())
    const { data: workspace } = await a.client.rpc('create_workspace', { p_name: TEAM }).throwOnError()
    team = workspace.id
    const { data: invite } = await a.client.rpc('create_invite', { p_workspace: team, p_role: 'approver' }).single().throwOnError()
    await b.client.rpc('accept_invite', { p_code: invite.code }).throwOnError()
    await openPrd(a)
    await openPrd(b)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    for (const preview of previews) await preview.close()
    await stack?.stop()
  })

  it('A requests a review, B requests changes, A edits, B approves; each sees the other live', async () => {
    expect(await reviewState(a)).toBe('not_requested')
    // A asks B.
    const bar = a.plugin.ui.locator('[data-review-bar]')
    await bar.locator('[data-open-request]').click()
    await bar.locator(`[data-reviewer-option="${b.name}"]`).check()
    await bar.locator('[data-request-note]').fill('Please check FR-002 <b>before</b> Friday')
    await bar.locator('[data-send-request]').click()
    await expect.poll(() => reviewState(a), { timeout: LONG }).toBe('in_review')
    await expect.poll(() => reviewState(b), { timeout: LONG }).toBe('in_review')
    await expect(reviewDetail(b)).resolves.toBe(`Version 1: waiting for ${b.name}`)

    // B requests changes.
    const barB = b.plugin.ui.locator('[data-review-bar]')
    await barB.locator('[data-open-decide]').click()
    await barB.locator('[data-review-summary]').fill('FR-002 needs a limit on the queue length.')
    await barB.locator('[data-request-changes]').click()
    await expect.poll(() => reviewState(a), { timeout: LONG }).toBe('changes_requested')
    await expect(reviewDetail(a)).resolves.toBe(`Changes requested by ${b.name}`)
    await bar.locator('details summary').click()
    await expect(bar.locator('[data-decision="changes_requested"]').textContent()).resolves.toContain('FR-002 needs a limit')
    await screenshot(a.plugin, 'spec-review-changes-requested')
    await expectAccessible(a, 'review bar with changes requested')

    // A edits and saves version 2: B's copy says a newer version exists.
    await write(a, (content) => `${content}\nThe queue holds at most 100 runs.\n`)
    await a.plugin.ui.locator('[data-save-doc]').click()
    await expect.poll(() => a.plugin.ui.locator('[data-doc-version]').getAttribute('data-doc-version'), { timeout: LONG }).toBe('2')
    await expect.poll(() => reviewState(a), { timeout: LONG }).toBe('in_review')
    await barB.locator('[data-load-newer]').click({ timeout: LONG })
    await expect.poll(() => b.plugin.ui.locator('[data-doc-version]').getAttribute('data-doc-version'), { timeout: LONG }).toBe('2')

    // B approves version 2, from the keyboard alone.
    const keyboard = b.plugin.page.keyboard
    await barB.locator('[data-open-decide]').focus()
    await keyboard.press('Enter')
    await keyboard.press('Tab')
    await expect(barB.locator('[data-review-summary]').evaluate((element) => element === document.activeElement)).resolves.toBe(true)
    await keyboard.type('Thanks, the limit is clear.')
    await keyboard.press('Tab')
    await expect(barB.locator('[data-approve]').evaluate((element) => element === document.activeElement)).resolves.toBe(true)
    await keyboard.press('Enter')
    await expect.poll(() => reviewState(a), { timeout: LONG }).toBe('approved')
    await expect(reviewDetail(a)).resolves.toBe(`Approved at version 2 by ${b.name}`)
    await screenshot(a.plugin, 'spec-review-approved')
    await expectAccessible(a, 'review bar approved')
  })

  it('shows each version with its author and a diff, and compares any two', async () => {
    const { ui } = a.plugin
    await ui.getByRole('radio', { name: 'History' }).check()
    await ui.locator('[data-revision="2"]').click({ timeout: LONG })
    await expect(ui.locator('[data-revision="2"] [data-revision-author]').textContent()).resolves.toBe(a.name)
    const diff = ui.locator('[data-revision-view="2"]')
    await expect
      .poll(() => diff.locator('[data-diff-line="added"]').allTextContents(), { timeout: LONG })
      .toEqual(['+', '+The queue holds at most 100 runs.'])
    await ui.locator('[data-compare-from]').selectOption('1')
    await ui.locator('[data-compare-to]').selectOption('2')
    await expect(ui.locator('[data-compare-view="1-2"] [data-diff-line="added"]').count()).resolves.toBeGreaterThan(0)
    await expectAccessible(a, 'history')
    await ui.getByRole('radio', { name: 'Preview' }).check()
  })

  it('opens a three-way view for a stale save and keeps both people’s lines', async () => {
    const before = await prd()
    // Both start from version 2. A changes the first line and adds a line at the end; B adds a
    // different line at the end and saves later.
    await write(b, (content) => `${content}B's line: runs older than a week are archived.\n`)
    await write(a, (content) => `${content.replace(/^# .*/, (title) => `${title} (reviewed)`)}A's line: the limit is configurable.\n`)
    await a.plugin.ui.locator('[data-save-doc]').click()
    await expect.poll(async () => (await prd()).version, { timeout: LONG }).toBe(before.version + 1)

    await b.plugin.ui.locator('[data-save-doc]').click()
    const conflict = b.plugin.ui.locator('[data-save-conflict]')
    await conflict.waitFor({ timeout: LONG })
    await expect(conflict.locator('[data-conflict-message]').textContent()).resolves.toMatch(
      new RegExp(
        `^Not saved: prd\\.md was changed by ${a.name} \\(now version ${before.version + 1}\\) after you opened it\\. Both changed the same lines in 1 place`,
      ),
    )
    // A's title change is kept without asking; the two new last lines are the conflict, both kept.
    await expect(conflict.locator('[data-merge-change="theirs"] [data-merge-lines="theirs"]').textContent()).resolves.toContain(
      '(reviewed)',
    )
    const clash = conflict.locator('[data-merge-conflict="0"]')
    await expect(clash.locator('[data-merge-lines="theirs"]').textContent()).resolves.toContain("A's line")
    await expect(clash.locator('[data-merge-lines="mine"]').textContent()).resolves.toContain("B's line")
    await expect(clash.locator('[data-merge-choice="both"]').isChecked()).resolves.toBe(true)
    await screenshot(b.plugin, 'spec-review-conflict')
    // The three-way view is taller than the pane: the editor scrolls it rather than drawing it
    // over the board bar below.
    await expect(spilledBoxes(b.plugin)).resolves.toEqual([])
    await expectAccessible(b, 'three-way merge')

    await conflict.locator('[data-save-merge]').click()
    await expect.poll(() => conflict.count(), { timeout: LONG }).toBe(0)
    const saved = await prd()
    expect(saved.version).toBe(before.version + 2)
    expect(saved.content).toContain('(reviewed)')
    expect(saved.content.indexOf("A's line")).toBeGreaterThan(0)
    expect(saved.content.indexOf("B's line")).toBeGreaterThan(saved.content.indexOf("A's line"))
    // The approval of version 2 is stale now, for both.
    await expect.poll(() => reviewState(a), { timeout: LONG }).toBe('changed_since_approval')
    await expect.poll(() => reviewState(b), { timeout: LONG }).toBe('changed_since_approval')
  })
})
