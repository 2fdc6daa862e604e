/**
 * Comments on a Spec Kit document, end to end in real Chromium with two people, each in their own
 * browser preview, on one local stack: B (a viewer) comments on FR-003 and mentions A; A sees the
 * count and the thread arrive live, replies from the keyboard, and B sees the reply; markup in a
 * comment stays text; B resolves the thread and A's count says so. Waits poll; nothing asserts
 * how long anything took. A selected passage starts a thread that quotes it; a requirement that is
 * removed keeps its thread, shown as outdated with what the requirement said.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { addMember, createTeam } from '../support/workspaces.ts'
import { as, userClaims } from '../support/actors.ts'
import { findAnchor, parseAnchors } from '../../supabase/functions/_shared/spec/anchors.ts'
import { LONG, openTab, pluginUi, screenshot, type PluginUi } from './support/plugin-ui.ts'
import { axeFindings } from './support/axe.ts'

interface Person {
  plugin: PluginUi
  userId: string
  name: string
}

const TEAM = 'Spec review'
const PRD = 'continue-orchestrator/prd'
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'"> ${{ secrets.TOKEN }}'

describe('comments on a Spec Kit document, two people in Chromium', { timeout: 300_000 }, () => {
  let stack: TestStack
  let browser: LaunchedBrowser
  const previews: Preview[] = []
  let a: Person
  let b: Person
  let doc: string

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
    const session = JSON.parse(JSON.parse(stored[1]) as string) as { user: { id: string } }
    const userId = session.user.id
    return { plugin, userId, name: `Guest ${userId.replace(/-/g, '').slice(0, 4)}` }
  }

  /** Reloads the person's plugin, switches to the team and opens the PRD's Comments view. */
  async function openComments(person: Person): Promise<void> {
    const { ui, page } = person.plugin
    await page.reload()
    await ui.getByRole('tab', { name: 'Chat' }).waitFor({ timeout: LONG })
    await ui.locator('[data-workspace-switcher] option', { hasText: TEAM }).waitFor({ state: 'attached', timeout: LONG })
    await ui.locator('[data-workspace-switcher]').selectOption({ label: TEAM })
    await openTab(person.plugin, 'Spec Kit')
    await ui.locator(`[data-spec-doc="${PRD}"]`).click({ timeout: LONG })
    await ui.getByRole('radio', { name: 'Comments' }).check()
    await ui.locator('[data-comments-live="true"]').waitFor({ timeout: LONG })
  }

  const openCount = (person: Person, key: string) =>
    person.plugin.ui.locator(`[data-anchor-count="${key}"]`).getAttribute('data-open-count')

  beforeAll(async () => {
    stack = await startTestStack('pglite')
    browser = await launchChromium({ width: 1000, height: 900 })
    a = await signIn(await browser.context.newPage())
    b = await signIn(await browser.context.newPage())
    const team = await createTeam(stack.test.db, a.userId, TEAM)
    await addMember(stack.test.db, team, a.userId, b.userId, 'viewer')
    const { rows } = await stack.test.db.query<{ id: string }>('select id from ops.spec_docs where workspace_id = $1 and slug = $2', [
      team,
      PRD,
    ])
    doc = rows[0].id
    await openComments(a)
    await openComments(b)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    for (const preview of previews) await preview.close()
    await stack?.stop()
  })

  it('shows B’s comment on FR-003 to A live, with its count, the mention and the markup as text', async () => {
    expect(await openCount(a, 'FR-003')).toBe('0')
    const { ui } = b.plugin
    await ui.locator('[data-anchor-count="FR-003"]').click()
    const form = ui.locator('[data-new-thread-form]')
    await form.locator('[data-mention-picker]').selectOption({ label: a.name })
    await form.locator('[data-comment-body]').pressSequentially(`is 10 s right? ${HOSTILE}`)
    await form.locator('[data-submit-comment]').click()

    await expect.poll(() => openCount(a, 'FR-003'), { timeout: LONG }).toBe('1')
    const thread = a.plugin.ui.locator('[data-thread-anchor="FR-003"]')
    await expect(thread.locator('[data-comment-body-text]').textContent()).resolves.toBe(`@${a.name} is 10 s right? ${HOSTILE}`)
    await expect(thread.locator('img').count()).resolves.toBe(0)
    await expect(a.plugin.page.title()).resolves.not.toBe('pwned')
    // Mentioned: it is in A's "Mentions me", not in B's.
    await a.plugin.ui.getByRole('radio', { name: 'Mentions me' }).check()
    await expect(a.plugin.ui.locator('[data-thread-anchor="FR-003"]').count()).resolves.toBe(1)
    await b.plugin.ui.locator('[data-all-threads]').click()
    await b.plugin.ui.getByRole('radio', { name: 'Mentions me' }).check()
    await expect(b.plugin.ui.locator('[data-no-threads]').textContent()).resolves.toBe('No thread matches this filter.')
    await b.plugin.ui.getByRole('radio', { name: 'Mine' }).check()
    await expect(b.plugin.ui.locator('[data-thread-anchor="FR-003"]').count()).resolves.toBe(1)
  })

  it('lets A reply from the keyboard, and B sees the reply live', async () => {
    const { ui, page } = a.plugin
    await ui.locator('[data-anchor-count="FR-003"]').focus()
    await page.keyboard.press('Enter')
    await ui.locator('[data-thread-anchor="FR-003"] [data-reply]').focus()
    await page.keyboard.press('Enter')
    // The reply field takes the keyboard as it opens.
    const frame = await a.plugin.frame()
    await frame.waitForFunction(() => document.activeElement?.hasAttribute('data-comment-body') === true, undefined, { timeout: LONG })
    await page.keyboard.type('Yes: it matches the lease of 30 s.')
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => openCount(b, 'FR-003'), { timeout: LONG }).toBe('2')
    await expect(b.plugin.ui.locator('[data-thread-anchor="FR-003"] [data-comment-body-text]').allTextContents()).resolves.toEqual([
      `@${a.name} is 10 s right? ${HOSTILE}`,
      'Yes: it matches the lease of 30 s.',
    ])
    // A may edit only their own comment.
    await expect(ui.locator('[data-thread-anchor="FR-003"] [data-edit-comment]').count()).resolves.toBe(1)
    // Two more threads from B, so the picture shows counts on several requirements.
    for (const [key, body] of [
      ['FR-002', 'Does "the caller" include the service role?'],
      ['FR-005', 'Should canceled runs keep their summary?'],
    ]) {
      // With the anchor's text, as the plugin sends it.
      const { rows } = await stack.test.db.query<{ content: string }>('select content from ops.spec_docs where id = $1', [doc])
      const text = findAnchor(parseAnchors(rows[0].content), key)?.text
      await as(stack.test.db, userClaims(b.userId), 'select ops.add_spec_comment($1, $2, 1, $3, $4)', [doc, body, key, text])
    }
    await expect.poll(() => openCount(a, 'FR-005'), { timeout: LONG }).toBe('1')
    expect(await axeFindings(await a.plugin.frame())).toEqual([])
    const picture = await screenshot(a.plugin, 'spec-comments')
    expect(picture).toMatch(/spec-comments\.png$/)
  })

  it('lets B resolve the thread and A’s count says it is resolved', async () => {
    const { ui } = b.plugin
    await ui.getByRole('radio', { name: 'All' }).check()
    await ui.locator('[data-thread-anchor="FR-003"] [data-resolve-thread]').click()
    await expect.poll(() => openCount(a, 'FR-003'), { timeout: LONG }).toBe('0')
    await expect(a.plugin.ui.locator('[data-anchor-count="FR-003"]').textContent()).resolves.toBe('✓ 2')
    await expect(a.plugin.ui.locator('[data-thread-anchor="FR-003"]').getAttribute('data-resolved')).resolves.toBe('true')
    expect(await axeFindings(await b.plugin.frame())).toEqual([])
  })

  it('starts a thread on a selected passage, and keeps a removed requirement’s thread as outdated', async () => {
    const { ui } = a.plugin
    const frame = await a.plugin.frame()
    await ui.locator('[data-all-threads]').click()
    const passage = 'refused for lease loss'
    // Selecting with the mouse, as a person does: a range over the words, then the button goes up.
    await frame.evaluate((words) => {
      const block = document.querySelector('[data-anchor-block="FR-004"]')!
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(words) ?? -1
        if (at < 0) continue
        const range = document.createRange()
        range.setStart(node, at)
        range.setEnd(node, at + words.length)
        window.getSelection()?.removeAllRanges()
        window.getSelection()?.addRange(range)
        block.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }))
        return
      }
      throw new Error(`no "${words}" in FR-004`)
    }, passage)
    await ui.locator('[data-comment-on-selection]').click()
    const form = ui.locator('[data-new-thread-form]')
    await expect(form.locator('blockquote').textContent()).resolves.toBe(passage)
    await form.locator('[data-comment-body]').fill('Refused by whom: the database or the executor?')
    await form.locator('[data-submit-comment]').click()
    await expect.poll(() => openCount(b, 'FR-004'), { timeout: LONG }).toBe('1')

    // A removes FR-005 and saves: B's thread on it stays, as outdated, with what FR-005 said.
    await ui.getByRole('radio', { name: 'Write' }).check()
    const textarea = ui.locator('[data-doc-textarea]')
    const text = await textarea.inputValue()
    await textarea.fill(
      text
        .split('\n')
        .filter((line) => !line.includes('**FR-005**'))
        .join('\n'),
    )
    await ui.locator('[data-save-doc]').click()
    await ui.locator('[data-doc-version="2"]').waitFor({ timeout: LONG })
    await ui.getByRole('radio', { name: 'Comments' }).check()
    const outdated = ui.locator('[data-thread-anchor="FR-005"]')
    await expect(outdated.getAttribute('data-outdated')).resolves.toBe('anchor_gone')
    await expect(outdated.textContent()).resolves.toContain('FR-005 is no longer in the document. It read: “System MUST finish a run')
    await expect(ui.locator('[data-anchor-count="FR-005"]').count()).resolves.toBe(0)
    expect(await axeFindings(frame)).toEqual([])
  })
})
