/**
 * A Spec Kit document on the board, end to end in real Chromium with the preview in FigJam mode,
 * the real local stack and supabase-js: "Add to board" drops the document's section on the
 * preview's canvas; a sticky a collaborator puts in FR-003's frame is offered in the plugin as a
 * suggested comment; "Add as my comment" makes it the signed-in member's comment on FR-003, naming
 * the sticky and its author, and the Comments view counts it; a comment made in the Comments view
 * appears as a sticky in its requirement's frame while the document is open. Waits poll; nothing
 * asserts how long anything took.
 */
import type { Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { axeFindings } from './support/axe.ts'

const PRD = 'continue-orchestrator/prd'
const STICKY_TEXT = 'Is 10 s enough under load? <b>ask ops</b>'
const PLUGIN_COMMENT = 'Should a canceled run keep its summary?'

describe('a Spec Kit document on the FigJam board in Chromium', { timeout: 300_000 }, () => {
  let stack: TestStack
  let preview: Preview
  let browser: LaunchedBrowser
  let plugin: PluginUi
  let userId: string
  let name: string
  let doc: { id: string; title: string; version: number }
  let stickyId: string

  beforeAll(async () => {
    stack = await startTestStack('pglite', { functionsRuntime: 'deno' })
    preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0 })
    expect(preview.missing).toEqual([])
    browser = await launchChromium({ width: 1600, height: 1000 })
    const page = await browser.context.newPage()
    await page.goto(preview.url)
    // The preview plays FigJam (the editor it remembers), from the plugin's first start.
    await page.evaluate(() => localStorage.setItem('ops-preview:editor', 'figjam'))
    await page.reload()
    plugin = pluginUi(page, '#window iframe')
    expect(await (await plugin.frame()).evaluate(() => document.body.className)).toContain('theme-figjam')
    const { ui } = plugin
    await ui.getByRole('button', { name: 'Continue without an account' }).click({ timeout: LONG })
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    let stored: [string, string] | undefined
    for (let tries = 0; stored === undefined && tries < 300; tries++) {
      stored = await page.evaluate(() =>
        Object.entries(localStorage).find(([key]) => /^ops-preview:clientStorage:session:sb-.+-auth-token$/.test(key)),
      )
      if (stored === undefined) await page.waitForTimeout(100)
    }
    if (stored === undefined) throw new Error('no session was stored after signing in')
    userId = (JSON.parse(JSON.parse(stored[1]) as string) as { user: { id: string } }).user.id
    await openTab(plugin, 'Spec Kit')
    await ui.locator(`[data-spec-doc="${PRD}"]`).click({ timeout: LONG })
    await ui.locator('[data-spec-board]').waitFor({ timeout: LONG })
    const { rows } = await stack.test.db.query<{ id: string; title: string; version: number; display_name: string }>(
      `select d.id, d.title, d.version, m.display_name
         from ops.spec_docs d join ops.workspace_members m on m.workspace_id = d.workspace_id and m.user_id = $1
        where d.slug = $2`,
      [userId, PRD],
    )
    expect(rows).toHaveLength(1)
    doc = rows[0]
    name = rows[0].display_name
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
    await stack?.stop()
  })

  async function expectAccessible(view: string): Promise<void> {
    expect(await axeFindings(await plugin.frame()), `axe findings in ${view}`).toEqual([])
  }

  const section = () => plugin.page.locator('#canvas [data-node-type="SECTION"]')
  const frameOf = (id: string) => section().locator(`:scope > [data-node-type="FRAME"][data-node-name^="${id} · "]`)
  const stickies = () => section().locator(':scope > [data-node-type="STICKY"]')

  /** Whether the drawn sticky's centre lies within the drawn frame (as the plugin decides "inside"). */
  async function inside(sticky: Locator, frame: Locator): Promise<boolean> {
    const [s, f] = await Promise.all([sticky.boundingBox(), frame.boundingBox()])
    if (s === null || f === null) return false
    const x = s.x + s.width / 2
    const y = s.y + s.height / 2
    return x >= f.x && x <= f.x + f.width && y >= f.y && y <= f.y + f.height
  }

  it('drops the document’s section on the canvas with "Add to board"', async () => {
    const { ui, page } = plugin
    await expect(page.locator('#canvas [data-node-type="SECTION"]').count()).resolves.toBe(0)
    await ui.locator('[data-spec-board-add]').click()
    await expect
      .poll(() => ui.locator('[data-spec-board] [role="status"]').textContent(), { timeout: LONG })
      .toBe('Added the document to the board')
    await section().waitFor({ timeout: LONG })
    expect(await section().getAttribute('data-node-name')).toBe(`${doc.title} · revision ${doc.version}`)
    const names = await section()
      .locator(':scope > [data-node-type="FRAME"]')
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.nodeName ?? ''))
    expect(names).toContain('FR-003 · Requirement')
    expect(names).toContain('FR-005 · Requirement')
    // Reading order: FR-003 before FR-005.
    expect(names.indexOf('FR-003 · Requirement')).toBeLessThan(names.indexOf('FR-005 · Requirement'))
    await expect(frameOf('FR-003').locator('[data-node-name="Open comments"]').textContent()).resolves.toBe('No open comments')
    await expect(stickies().count()).resolves.toBe(0)
    await expect(page.textContent('#errors')).resolves.toBe('')
  })

  it('offers a collaborator’s sticky in FR-003’s frame as a suggested comment', async () => {
    const { ui, page } = plugin
    // A collaborator puts a sticky in FR-003's frame (a double-click on the preview's board).
    page.once('dialog', (dialog) => void dialog.accept(STICKY_TEXT))
    await frameOf('FR-003').locator('[data-node-name="Text"]').dblclick()
    await expect.poll(() => stickies().count(), { timeout: LONG }).toBe(1)
    expect(await inside(stickies().first(), frameOf('FR-003'))).toBe(true)

    const suggestion = ui.locator('[data-spec-board-suggestion]')
    await suggestion.waitFor({ timeout: LONG })
    stickyId = (await suggestion.getAttribute('data-spec-board-suggestion'))!
    // The suggestion is the sticky on the board.
    await expect(stickies().first().getAttribute('data-node-id')).resolves.toBe(stickyId)
    await expect(suggestion.textContent()).resolves.toContain('FR-003 · a sticky by Preview collaborator')
    await expect(suggestion.textContent()).resolves.toContain(STICKY_TEXT)
    // Markup on a sticky stays text.
    await expect(suggestion.locator('b').count()).resolves.toBe(0)
    await expectAccessible('a sticky offered as a comment')
    await screenshot(plugin, 'spec-board-suggestion', '#window iframe')
  })

  it('makes the confirmed sticky the member’s comment on FR-003, naming the sticky and its author', async () => {
    const { ui } = plugin
    await ui.locator('[data-spec-board-suggestion]').getByRole('button', { name: 'Add as my comment' }).click()
    await expect.poll(() => ui.locator('[data-spec-board-suggestion]').count(), { timeout: LONG }).toBe(0)
    await expect(ui.locator('[data-spec-board] [role="status"]').textContent()).resolves.toBe(
      'Added Preview collaborator’s sticky as your comment on FR-003',
    )
    const { rows } = await stack.test.db.query<{ body: string; author_id: string; thread_id: string | null; source: unknown }>(
      'select body, author_id, thread_id, source from ops.spec_comments where doc_id = $1 and anchor_key = $2',
      [doc.id, 'FR-003'],
    )
    expect(rows).toEqual([
      {
        body: STICKY_TEXT,
        author_id: userId,
        thread_id: null,
        source: { kind: 'sticky', author_name: 'Preview collaborator', node_id: stickyId },
      },
    ])

    // The board counts it, and keeps the collaborator's sticky as the only sticky (no copy of it).
    await expect
      .poll(() => frameOf('FR-003').locator('[data-node-name="Open comments"]').textContent(), { timeout: LONG })
      .toBe('1 open comment')
    await expect(stickies().count()).resolves.toBe(1)

    // The Comments view shows it with its count.
    await ui.getByRole('radio', { name: 'Comments' }).check()
    await ui.locator('[data-comments-live="true"]').waitFor({ timeout: LONG })
    await expect.poll(() => ui.locator('[data-anchor-count="FR-003"]').getAttribute('data-open-count'), { timeout: LONG }).toBe('1')
    const thread = ui.locator('[data-thread-anchor="FR-003"]')
    await expect(thread.locator('[data-comment-body-text]').textContent()).resolves.toBe(STICKY_TEXT)
    await expectAccessible('the Comments view with a comment from a sticky')
  })

  it('puts a comment made in the Comments view on the board as a sticky in its requirement’s frame', async () => {
    const { ui, page } = plugin
    await ui.locator('[data-anchor-count="FR-005"]').click()
    const form = ui.locator('[data-new-thread-form]')
    await form.locator('[data-comment-body]').fill(PLUGIN_COMMENT)
    await form.locator('[data-submit-comment]').click()
    await expect.poll(() => ui.locator('[data-anchor-count="FR-005"]').getAttribute('data-open-count'), { timeout: LONG }).toBe('1')

    // The open document's section follows: a sticky with the comment and its author, in FR-005's frame.
    const sticky = stickies().filter({ hasText: PLUGIN_COMMENT })
    await expect.poll(() => sticky.count(), { timeout: LONG }).toBe(1)
    await expect(sticky.textContent()).resolves.toBe(`${PLUGIN_COMMENT}\n— ${name}`)
    expect(await inside(sticky, frameOf('FR-005'))).toBe(true)
    await expect
      .poll(() => frameOf('FR-005').locator('[data-node-name="Open comments"]').textContent(), { timeout: LONG })
      .toBe('1 open comment')
    await expect(stickies().count()).resolves.toBe(2)
    // The plugin's own sticky is never offered back as a suggestion.
    await expect(ui.locator('[data-spec-board-suggestion]').count()).resolves.toBe(0)
    await expect(page.textContent('#errors')).resolves.toBe('')
  })
})
