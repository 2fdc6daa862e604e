/**
 * The template editor, environments and the audit trail in real Chromium against a local stack:
 * an admin edits a template with the executor's parser running as they type, saves it, and the
 * next run pins the new revision; a stale save shows both versions as a diff; a non-admin reads
 * the same pages without a way to change them. Every wait polls; nothing asserts a time.
 */
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { runOf } from '../support/executor.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { axeFindings } from './support/axe.ts'

describe('editing templates, environments and the audit trail in Chromium', { timeout: 180_000 }, () => {
  let stack: TestStack
  let service: OpsClient
  let preview: Preview
  let browser: LaunchedBrowser
  let plugin: PluginUi

  beforeAll(async () => {
    stack = await startTestStack('pglite', { drainIntervalMs: 200, functionsRuntime: 'deno' })
    service = stack.client(stack.serviceRoleKey)
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
  })

  async function expectAccessible(view: string): Promise<void> {
    expect(await axeFindings(await plugin.frame()), `axe findings in ${view}`).toEqual([])
  }

  /** The person signed in in the browser, as a second window of theirs: their session's token, over REST. */
  async function me(): Promise<{ client: OpsClient; userId: string; personal: string }> {
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
    return { client, userId: session.user.id, personal }
  }

  async function deployWeb() {
    const { personal } = await me()
    const { data } = await service
      .from('run_templates')
      .select('*')
      .eq('workspace_id', personal)
      .eq('slug', 'deploy-web')
      .single()
      .throwOnError()
    return data
  }

  const editor = () => plugin.ui.locator('[data-template-editor]')
  const textarea = () => plugin.ui.locator('[data-template-textarea]')

  it('shows a typo at its line and column as the admin types, goes there from the keyboard, and saves the fix', async () => {
    const { ui } = plugin
    await ui.getByRole('button', { name: 'Continue without an account' }).click({ timeout: LONG })
    await openTab(plugin, 'Templates')
    await ui.locator('[data-open-template="deploy-web"]').click({ timeout: LONG })
    await expect.poll(() => textarea().inputValue(), { timeout: LONG }).toContain('kind: deploy')
    await expect(ui.locator('[data-template-problems]').getAttribute('data-template-problems')).resolves.toBe('0')
    await expect(ui.locator('[data-template-preview] [data-runbook-card]').count()).resolves.toBe(1)
    await expectAccessible('template editor')

    const original = await textarea().inputValue()
    const lines = original.split('\n')
    const typoLine = lines.findIndex((line) => line.trim() === 'kind: http') + 1
    expect(typoLine).toBeGreaterThan(0)
    const typoColumn = lines[typoLine - 1].indexOf('http') + 1
    // A typo typed in the editor, key by key at its end: the parser answers as the text changes.
    const withTypo = original.replace(/^(\s+kind: )http$/m, '$1htpp')
    await textarea().fill(withTypo)
    const problem = ui.locator(`[data-template-problem="${typoLine}:${typoColumn}"]`)
    await problem.waitFor({ timeout: LONG })
    await expect(problem.textContent()).resolves.toMatch(new RegExp(`Line ${typoLine}, column ${typoColumn}.*"htpp"`))
    await expect(textarea().getAttribute('aria-invalid')).resolves.toBe('true')
    const describedBy = await textarea().getAttribute('aria-describedby')
    await expect(ui.locator(`#${describedBy!}`).textContent()).resolves.toContain(`line ${typoLine}, column ${typoColumn}`)
    await expect(ui.locator('[data-save-template]').isDisabled()).resolves.toBe(true)
    await expectAccessible('template editor with an error')

    // From the keyboard: Tab from the YAML reaches the problem, Enter puts the caret on it.
    await textarea().focus()
    await plugin.page.keyboard.press('Tab')
    await expect((await plugin.frame()).evaluate(() => document.activeElement?.getAttribute('data-template-problem'))).resolves.toBe(
      `${typoLine}:${typoColumn}`,
    )
    await plugin.page.keyboard.press('Enter')
    const caret = await (
      await plugin.frame()
    ).evaluate(() => {
      const field = document.activeElement as HTMLTextAreaElement
      return { tag: field.tagName, before: field.value.slice(0, field.selectionStart) }
    })
    expect(caret.tag).toBe('TEXTAREA')
    expect(caret.before.split('\n')).toHaveLength(typoLine)
    expect(caret.before.split('\n').at(-1)).toHaveLength(typoColumn - 1)
    await expect(ui.locator('[data-template-caret]').textContent()).resolves.toBe(`Line ${typoLine}, column ${typoColumn}`)
    // The editor scrolled to the problem: the picture shows the line and the message together.
    await screenshot(plugin, 'template-editor-error')

    // Hostile text: too large, and nested past any template's depth. Each is named at line 1, and stays in the editor.
    const oversized = `${original}# ${'x'.repeat(300 * 1024)}\n`
    await textarea().fill(oversized)
    await expect
      .poll(() => ui.locator('[data-template-problem="1:1"]').textContent(), { timeout: LONG })
      .toMatch(/too large \(\d+ KiB\); expected at most 256 KiB/)
    expect(await textarea().inputValue()).toHaveLength(oversized.length)
    await textarea().fill(`${original}nested: ${'['.repeat(500)}${']'.repeat(500)}\n`)
    await expect.poll(() => ui.locator('[data-template-problems] ul').textContent(), { timeout: LONG }).toMatch(/nest/)

    const before = await deployWeb()
    await textarea().fill(original.replace('title: Deploy web', 'title: Deploy web, edited'))
    await expect.poll(() => ui.locator('[data-template-problems]').getAttribute('data-template-problems')).toBe('0')
    await expect(ui.locator('[data-template-preview] h2').first().textContent()).resolves.toMatch(/^Deploy web, edited/)
    await textarea().press('Control+s')
    await expect.poll(() => ui.locator('[data-editor-notice]').textContent(), { timeout: LONG }).toContain(`version ${before.version + 1}`)
    const after = await deployWeb()
    expect(after.version).toBe(before.version + 1)
    expect(after.title).toBe('Deploy web, edited')
    expect(after.revision_id).not.toBe(before.revision_id)
  })

  it('starts the next run on the new revision', async () => {
    const { ui } = plugin
    await ui.locator('[data-close-editor]').click()
    const card = ui.locator('[data-template-card="deploy-web"]')
    await expect.poll(() => card.locator('h2').first().textContent(), { timeout: LONG }).toMatch(/^Deploy web, edited/)
    await card.locator('[data-run-button]').click()
    const viewer = ui.locator('[data-run-viewer]')
    await viewer.waitFor({ timeout: LONG })
    const runId = await viewer.getAttribute('data-run-viewer')
    const run = await runOf(service, runId!)
    const template = await deployWeb()
    expect(run.template_revision_id).toBe(template.revision_id)
    await ui.locator('[data-back]').click()
  })

  it('shows a stale save as a diff of both versions, and saves mine over theirs', async () => {
    const { ui } = plugin
    await openTab(plugin, 'Templates')
    await ui.locator('[data-open-template="deploy-web"]').click({ timeout: LONG })
    await expect.poll(() => textarea().inputValue(), { timeout: LONG }).toContain('Deploy web, edited')
    const mine = `${await textarea().inputValue()}# my note from the plugin\n`
    await textarea().fill(mine)
    // Someone saves first: the same admin in another window.
    const saved = await deployWeb()
    const { client, personal } = await me()
    await client
      .rpc('save_template', {
        p_workspace: personal,
        p_slug: 'deploy-web',
        p_template_yaml: `${saved.template_yaml}# their note from elsewhere\n`,
        p_expected_version: saved.version,
        p_title: saved.title,
      })
      .throwOnError()

    await ui.locator('[data-save-template]').click()
    const conflict = ui.locator('[data-template-conflict]')
    await conflict.waitFor({ timeout: LONG })
    await expect(conflict.locator('[data-diff-line="added"]').allTextContents()).resolves.toContain('+# my note from the plugin')
    await expect(conflict.locator('[data-diff-line="removed"]').allTextContents()).resolves.toContain('-# their note from elsewhere')
    await expect(textarea().inputValue()).resolves.toBe(mine)
    await screenshot(plugin, 'template-editor-conflict')
    await expectAccessible('template save conflict')

    await conflict.locator('[data-keep-mine]').click()
    await expect.poll(() => conflict.count(), { timeout: LONG }).toBe(0)
    const now = await deployWeb()
    expect(now.version).toBe(saved.version + 2)
    expect(now.template_yaml).toBe(mine)
  })

  it('lists every revision with its author and diff, and restores an earlier one as a new revision', async () => {
    const { ui } = plugin
    const history = ui.locator('[data-template-history]')
    const current = await deployWeb()
    await expect.poll(() => history.locator('[data-revision]').count(), { timeout: LONG }).toBe(current.version)
    await expect(history.locator('[data-revision-author]').first().textContent()).resolves.toMatch(/^Guest /)
    await history.locator('[data-revision-toggle="1"]').press('Enter')
    await expect(history.locator('[data-revision="1"] [data-diff]').count()).resolves.toBe(1)
    await expectAccessible('template history')
    // Unsaved text is not dropped by leaving the page by mistake, and Undo changes brings back the saved version.
    const savedText = await textarea().inputValue()
    await textarea().fill(`${savedText}# not saved yet\n`)
    await expect(history.locator('[data-restore-revision="1"]').isDisabled()).resolves.toBe(true)
    await ui.locator('[data-close-editor]').click()
    await ui.locator('[data-keep-editing]').click()
    await expect(textarea().inputValue()).resolves.toBe(`${savedText}# not saved yet\n`)
    await ui.locator('[data-undo-changes]').click()
    await expect(textarea().inputValue()).resolves.toBe(savedText)
    await history.locator('[data-restore-revision="1"]').click()
    await expect.poll(async () => (await deployWeb()).version, { timeout: LONG }).toBe(current.version + 1)
    const { personal } = await me()
    const { data: first } = await service
      .from('template_revisions')
      .select('template_yaml')
      .eq('workspace_id', personal)
      .eq('slug', 'deploy-web')
      .eq('revision', 1)
      .single()
      .throwOnError()
    expect((await deployWeb()).template_yaml).toBe(first.template_yaml)
    await expect.poll(() => history.locator('[data-revision]').count(), { timeout: LONG }).toBe(current.version + 1)
  })

  it('lets an admin protect an environment, shows secret bindings by name and host, and lists it all in the audit trail', async () => {
    const { ui } = plugin
    const { personal } = await me()
    await service.rpc('bind_secret', { p_name: 'GITHUB_TOKEN', p_workspace: personal, p_hosts: ['api.github.com'] }).throwOnError()
    await ui.locator('[data-close-editor]').click()
    await openTab(plugin, 'Audit')
    const form = ui.locator('[data-environment-form]')
    await form.waitFor({ timeout: LONG })
    await expect(ui.locator('[data-secret-binding="GITHUB_TOKEN"]').textContent({ timeout: LONG })).resolves.toContain('api.github.com')

    await form.locator('[data-environment-name]').fill('Prod!')
    await form.locator('[data-save-environment]').click()
    await expect(form.getByRole('alert').textContent()).resolves.toContain('"Prod!" cannot name an environment')
    await form.locator('[data-environment-name]').fill('production')
    await form.locator('[data-environment-approvals]').fill('2')
    await form.locator('[data-environment-name]').press('Enter')
    await expect
      .poll(() => ui.locator('[data-environment="production"] [data-environment-rules]').textContent(), { timeout: LONG })
      .toBe('protected, 2 approvals, no self-review')
    const { data: environment } = await service
      .from('environments')
      .select('protected, required_approvals, prevent_self_review')
      .eq('workspace_id', personal)
      .eq('name', 'production')
      .single()
      .throwOnError()
    expect(environment).toEqual({ protected: true, required_approvals: 2, prevent_self_review: true })

    await ui.getByRole('button', { name: 'Refresh' }).click()
    const whats = () => ui.locator('[data-audit-what]').allTextContents()
    await expect.poll(whats, { timeout: LONG }).toContain('set environment production: protected, 2 approvals, no self-review')
    expect(await whats()).toEqual(
      expect.arrayContaining(['bound secret GITHUB_TOKEN to api.github.com', 'saved template deploy-web (version 2)']),
    )
    await screenshot(plugin, 'audit-trail')
    await expectAccessible('environments and audit trail')

    await ui.locator('[data-audit-kind]').selectOption('template')
    await expect
      .poll(
        async () =>
          new Set(await ui.locator('[data-audit-entry]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-audit-entry')))),
        {
          timeout: LONG,
        },
      )
      .toEqual(new Set(['template']))
    const { userId } = await me()
    await ui.locator('[data-audit-person]').selectOption(userId)
    await expect.poll(() => ui.locator('[data-audit-entry]').count(), { timeout: LONG }).toBeGreaterThan(3)
    await ui.locator('[data-audit-kind]').selectOption('secret')
    // The binding was made by the deployment, not by this person.
    await expect.poll(() => ui.getByText('Nothing recorded that matches').count(), { timeout: LONG }).toBe(1)
  })

  it('shows a viewer the same pages read-only, with who changed what and when', async () => {
    const { ui } = plugin
    const { personal, userId } = await me()
    // No switcher yet: the current workspace is the personal one, so the person is made a viewer there (as the database owner).
    await stack.db.query("update ops.workspace_members set role = 'viewer' where workspace_id = $1 and user_id = $2", [personal, userId])
    await plugin.page.reload()
    await openTab(plugin, 'Templates')
    await ui.locator('[data-open-template="deploy-web"]').waitFor({ timeout: LONG })
    await expect(ui.locator('[data-open-template="deploy-web"]').textContent()).resolves.toBe('History')
    await expect(ui.locator('[data-new-template]').count()).resolves.toBe(0)
    await ui.locator('[data-open-template="deploy-web"]').click()
    await expect.poll(() => textarea().inputValue(), { timeout: LONG }).toContain('kind: deploy')
    await expect(editor().getAttribute('data-read-only')).resolves.toBe('true')
    await expect(textarea().getAttribute('readonly')).resolves.not.toBeNull()
    await expect(ui.locator('[data-save-template]').count()).resolves.toBe(0)
    await expect(ui.locator('[data-read-only-note]').textContent()).resolves.toContain('you are a viewer')
    await expect.poll(() => ui.locator('[data-template-history] [data-revision-author]').count(), { timeout: LONG }).toBeGreaterThan(2)
    await ui.locator('[data-revision-toggle="2"]').click()
    await expect(ui.locator('[data-restore-revision]').count()).resolves.toBe(0)
    await screenshot(plugin, 'template-editor-read-only')
    await expectAccessible('template page, read-only')

    await ui.locator('[data-close-editor]').click()
    await openTab(plugin, 'Audit')
    await expect.poll(() => ui.locator('[data-audit-what]').count(), { timeout: LONG }).toBeGreaterThan(3)
    await expect(ui.locator('[data-environment-form]').count()).resolves.toBe(0)
    await expect(ui.locator('[data-secret-bindings]').count()).resolves.toBe(0)
    await expect(ui.getByText('Secret bindings are shown to admins.').count()).resolves.toBe(1)
    await expectAccessible('environments and audit trail, read-only')
  })
})
