/**
 * Spec Kit documents and proposals in real Chromium against a local stack: a person adds a document
 * from the spec template, renames it, archives it (it leaves the tabs, "Show archived" brings it
 * back, Restore restores it); a run's spec step, executed by the real executor, shows up live on its
 * document as a suggested change with the diff in place; Apply makes the next version, saved by the
 * person and credited to the run. Every wait polls; nothing asserts a time.
 */
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../supabase/functions/_shared/database/index.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { addTemplate, createRun, runExecutor, runOf } from '../support/executor.ts'
import { startTestStack, type OpsClient, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { axeFindings } from './support/axe.ts'

const PROPOSE_TEMPLATE = `version: 1
kind: spec
title: Propose a task
inputs:
  - { key: env, label: Environment, type: choice, options: [staging], default: staging }
  - { key: text, label: Text, type: string }
steps:
  - { id: propose, title: Propose, kind: spec, with: { doc: continue-orchestrator/tasks, append: "\${{ inputs.text }}" } }
`

describe('Spec Kit documents and proposals in Chromium', { timeout: 240_000 }, () => {
  let stack: TestStack
  let service: OpsClient
  let preview: Preview
  let browser: LaunchedBrowser
  let plugin: PluginUi

  beforeAll(async () => {
    stack = await startTestStack('pglite', { drainIntervalMs: 200 })
    service = stack.client(stack.serviceRoleKey)
    preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
    expect(preview.missing).toEqual([])
    browser = await launchChromium({ width: 900, height: 900 })
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

  async function docBySlug(slug: string) {
    const { personal } = await me()
    const { data } = await service.from('spec_docs').select('*').eq('workspace_id', personal).eq('slug', slug).single().throwOnError()
    return data
  }

  const tabTitles = () => plugin.ui.locator('[data-spec-docs] [role="tab"]').allTextContents()

  it('adds a document from the spec template, renames it and archives and restores it', async () => {
    const { ui } = plugin
    await ui.getByRole('button', { name: 'Continue without an account' }).click({ timeout: LONG })
    await openTab(plugin, 'Spec Kit')
    await ui.locator('[data-spec-doc]').first().waitFor({ timeout: LONG })
    // Spec Kit order: constitution, spec (the PRD), plan, tasks.
    expect(await tabTitles()).toEqual(['constitution.md', 'prd.md', 'plan.md', 'tasks.md'])

    await ui.locator('[data-add-doc]').click()
    await ui.locator('[data-doc-template]').selectOption('spec')
    await ui.locator('[data-doc-title]').fill('Checkout spec')
    await expectAccessible('adding a document')
    await ui.locator('[data-doc-form-submit]').click()
    const added = ui.locator('[data-spec-doc="checkout-spec"]')
    await expect.poll(() => added.getAttribute('aria-selected'), { timeout: LONG }).toBe('true')
    // A second spec sorts with the specs, by title.
    expect(await tabTitles()).toEqual(['constitution.md', 'Checkout spec', 'prd.md', 'plan.md', 'tasks.md'])
    await expect.poll(() => ui.locator('[data-spec-editor="checkout-spec"]').textContent(), { timeout: LONG }).toContain('FR-001')
    expect(await docBySlug('checkout-spec')).toMatchObject({ kind: 'spec', title: 'Checkout spec', version: 1 })

    await ui.locator('[data-rename-doc]').click()
    await ui.locator('[data-doc-title]').fill('Checkout PRD')
    await ui.locator('[data-doc-title]').press('Enter')
    await expect.poll(() => added.textContent(), { timeout: LONG }).toBe('Checkout PRD')
    expect(await docBySlug('checkout-spec')).toMatchObject({ title: 'Checkout PRD', version: 2 })

    await ui.locator('[data-archive-doc="archive"]').click()
    await expect.poll(() => added.textContent(), { timeout: LONG }).toBe('Checkout PRD (archived)')
    expect((await docBySlug('checkout-spec')).archived_at).not.toBeNull()
    // Another document selected: the archived one leaves the tabs until "Show archived".
    await ui.locator('[data-spec-doc="continue-orchestrator/plan"]').click()
    await expect.poll(() => added.count()).toBe(0)
    await ui.locator('[data-show-archived]').check()
    await expect.poll(() => added.count()).toBe(1)
    await added.click()
    await ui.locator('[data-archive-doc="restore"]').click()
    await expect.poll(() => added.textContent(), { timeout: LONG }).toBe('Checkout PRD')
    expect((await docBySlug('checkout-spec')).archived_at).toBeNull()
    await ui.locator('[data-show-archived]').uncheck()
    await expectAccessible('document tabs')
  })

  it('shows a run’s proposal live on its document with the diff in place, and applies it credited to the run', async () => {
    const { ui } = plugin
    const { client, userId, personal } = await me()
    await ui.locator('[data-spec-doc="continue-orchestrator/tasks"]').click()
    const before = await docBySlug('continue-orchestrator/tasks')

    await addTemplate(stack, 'propose-task', PROPOSE_TEMPLATE, personal)
    const runId = await createRun(client, {
      workspace: personal,
      template: 'propose-task',
      title: 'Follow up the checkout incident',
      inputs: { env: 'staging', text: '- [ ] T900 Follow up the checkout incident: add an alert on <script>alert(1)</script> errors' },
    })
    await runExecutor(stack, runId)
    // The stack's own drain may have claimed the run first: wait for whichever executor has it.
    await expect.poll(async () => (await runOf(service, runId)).status, { timeout: LONG }).toBe('success')

    const proposal = ui.locator('[data-proposal]')
    await proposal.waitFor({ timeout: LONG })
    await expect(proposal.locator('[data-proposal-run]').textContent()).resolves.toBe('Follow up the checkout incident')
    await expect(proposal.locator('[data-diff-line="added"]').allTextContents()).resolves.toEqual([
      '+- [ ] T900 Follow up the checkout incident: add an alert on <script>alert(1)</script> errors',
    ])
    // The markup in the proposal is text: nothing was made of it.
    expect(await (await plugin.frame()).evaluate(() => document.querySelectorAll('[data-proposal] script').length)).toBe(0)
    // Reviewers discuss the change under its diff before anyone applies it.
    await proposal.locator('[data-discuss-proposal]').click()
    await proposal.locator('[data-comment-body]').fill('Which alert channel? <b>ops</b>')
    await proposal.locator('[data-submit-comment]').click()
    const proposalId = await proposal.getAttribute('data-proposal')
    const discussed = proposal.locator(`[data-thread-anchor="proposal:${proposalId}"]`)
    await discussed.waitFor({ timeout: LONG })
    await expect(discussed.locator('[data-comment-body-text]').textContent()).resolves.toBe('Which alert channel? <b>ops</b>')
    await expectAccessible('a proposal')
    await screenshot(plugin, 'spec-proposal')

    await proposal.locator('[data-apply-proposal]').click()
    await expect.poll(() => proposal.count(), { timeout: LONG }).toBe(0)
    const after = await docBySlug('continue-orchestrator/tasks')
    expect(after).toMatchObject({ version: before.version + 1, updated_by: userId, from_run_id: runId })
    expect(after.content).toContain('T900 Follow up the checkout incident')
    await expect
      .poll(() => ui.locator('[data-spec-editor="continue-orchestrator/tasks"] [data-doc-version]').getAttribute('data-doc-version'), {
        timeout: LONG,
      })
      .toBe(String(before.version + 1))
  })

  it('links the run’s diff artifact to its proposal, which opens the document in the Spec Kit', async () => {
    const { ui } = plugin
    await ui.locator('[data-spec-doc="continue-orchestrator/plan"]').click()
    await openTab(plugin, 'Runs')
    await ui.locator('[data-run-template="propose-task"] [data-open-run]').click({ timeout: LONG })
    const link = ui.locator('[data-artifact="diff"] [data-proposal-link]')
    await expect.poll(() => link.getAttribute('data-proposal-link'), { timeout: LONG }).toBe('applied')
    await expectAccessible('a run with a proposal')
    await link.locator('[data-open-proposal]').click()
    await expect
      .poll(() => ui.locator('[data-spec-doc="continue-orchestrator/tasks"]').getAttribute('aria-selected'), { timeout: LONG })
      .toBe('true')
  })
})
