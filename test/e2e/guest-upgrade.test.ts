/**
 * A guest keeping their work, end to end in real Chromium: the built plugin in the browser preview
 * against a local stack (new API keys, as a project created today). Signing out of a guest session
 * warns first and offers to add an email; adding one turns the guest into an email user with the
 * same id, so the run they started is still theirs when they sign in with the email later.
 */
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { createRun } from '../support/executor.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { axeFindings } from './support/axe.ts'

describe('a guest keeping their work in the plugin, in Chromium', { timeout: 180_000 }, () => {
  let stack: TestStack
  let preview: Preview
  let browser: LaunchedBrowser
  let plugin: PluginUi

  beforeAll(async () => {
    stack = await startTestStack('pglite', { functionsRuntime: 'deno' })
    preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
    expect(preview.missing).toEqual([])
    browser = await launchChromium({ width: 900, height: 700 })
    const page = await browser.context.newPage()
    await page.goto(preview.url)
    plugin = pluginUi(page)
  })

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
    await stack?.stop()
  })

  async function expectAccessible(view: string): Promise<void> {
    expect(await axeFindings(await plugin.frame()), `axe findings in ${view}`).toEqual([])
  }

  /** The person signed in in the browser, as a second window of theirs: their session's token, over REST. */
  async function browserSession(): Promise<{ client: OpsClient; userId: string } | null> {
    const stored = await plugin.page.evaluate(() =>
      Object.entries(localStorage).find(([key]) => /^ops-preview:clientStorage:session:sb-.+-auth-token$/.test(key)),
    )
    if (stored === undefined) return null
    const session = JSON.parse(JSON.parse(stored[1]) as string) as { access_token: string; user: { id: string } } | null
    if (session === null) return null
    const client = createClient<Database, 'ops'>(stack.url, stack.anonKey, {
      db: { schema: 'ops' },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { headers: { Authorization: `Bearer ${session.access_token}` } },
    })
    return { client, userId: session.user.id }
  }

  let guestId = ''
  let runTitle = ''
  const email = `guest-${Date.now()}@example.com`

  it('warns a guest who signs out that their work cannot be reached again, and keeps them signed in until they choose', async () => {
    const { ui } = plugin
    await ui.locator('[data-sign-in-anonymous]').click({ timeout: LONG })
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    const guest = await browserSession()
    guestId = guest!.userId
    runTitle = `Guest run ${guestId.slice(0, 8)}`
    await createRun(guest!.client, { template: 'deploy-web', inputs: { env: 'staging' }, title: runTitle })

    await ui.locator('[data-sign-out]').click()
    const panel = ui.locator('[data-guest-upgrade="sign-out"]')
    await panel.getByRole('heading', { name: 'Sign out of this guest session?' }).waitFor({ timeout: LONG })
    await expect.poll(() => panel.locator('[data-guest-warning]').textContent()).toContain('nobody can sign in to this session again')
    // The title has the keyboard focus, so the warning is what a keyboard or screen reader user meets first.
    const focused = await (await plugin.frame()).evaluate(() => document.activeElement?.id ?? null)
    expect(focused).toBe('guest-upgrade-title')
    await screenshot(plugin, 'guest-sign-out-warning')
    await expectAccessible('guest-sign-out-warning')
    // Still signed in as the same guest.
    expect((await browserSession())?.userId).toBe(guestId)
    await panel.locator('[data-upgrade-cancel]').click()
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
  })

  it('adds an email to the guest from "Save your work", from the keyboard: the same user, no longer a guest', async () => {
    const { ui } = plugin
    await ui.locator('[data-save-work]').click()
    const panel = ui.locator('[data-guest-upgrade="save"]')
    await panel.getByRole('heading', { name: 'Save your work: add an email' }).waitFor({ timeout: LONG })
    await expectAccessible('guest-save-work')
    // From the title, Tab reaches the email and the password fields; Enter saves.
    await plugin.page.keyboard.press('Tab')
    await plugin.page.keyboard.type(email)
    await plugin.page.keyboard.press('Tab')
    await plugin.page.keyboard.type('correct horse')
    await screenshot(plugin, 'guest-save-work')
    await plugin.page.keyboard.press('Enter')
    await expect.poll(() => ui.locator('[data-toast]').textContent(), { timeout: LONG }).toContain(`Saved: sign in as ${email}`)
    await expect.poll(() => ui.locator('[data-save-work]').count(), { timeout: LONG }).toBe(0)
    await expect.poll(() => ui.getByText(email, { exact: true }).count(), { timeout: LONG }).toBe(1)
    await screenshot(plugin, 'guest-saved')
    const row = await stack.db.query<{ email: string; is_anonymous: boolean }>('select email, is_anonymous from auth.users where id = $1', [
      guestId,
    ])
    expect(row.rows).toEqual([{ email, is_anonymous: false }])
  })

  it('signs out at once once it has an email, and finds the guest’s run after signing in with it', async () => {
    const { ui } = plugin
    await ui.locator('[data-sign-out]').click()
    await ui.locator('[data-email]').fill(email, { timeout: LONG })
    await ui.locator('[data-password]').fill('correct horse')
    await ui.getByRole('button', { name: 'Sign in', exact: true }).click()
    await ui.getByRole('tab', { name: 'Runs' }).waitFor({ timeout: LONG })
    expect((await browserSession())?.userId).toBe(guestId)
    await openTab(plugin, 'Runs')
    await ui.getByText(runTitle).first().waitFor({ timeout: LONG })
    await screenshot(plugin, 'guest-run-kept')
    await expectAccessible('runs after signing in with the email')
  })
})
