/**
 * The browser preview in Chromium: the page runs the plugin's main thread against the fake
 * `figma` in a realm with Figma's main-thread globals only, shows the UI in a null-origin sandboxed iframe, exchanges messages the way Figma does,
 * keeps clientStorage in the page, draws cards on its canvas, shows notifications, and relaunches
 * the plugin on a card. The preview is served in-process with startPreview, from its own build
 * (the real main thread and host, and a stand-in UI that records what it receives).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPreviewHost } from '../../local/preview/build.ts'
import { startPreview, type Preview } from '../../local/preview/server.ts'
import { launchChromium, type LaunchedBrowser } from '../support/chromium.ts'
import { startTestStack, type TestStack } from '../support/stack.ts'
import { pluginManifest } from './harness.ts'
import { readFileSync } from 'node:fs'
import { parseAnchors } from '../../supabase/functions/_shared/spec/anchors.ts'
import { buildSpecBoardData } from '../../src/client/spec-board-model.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A stand-in UI: it records the boot data and every message the host delivers. */
const STAND_IN_UI = `
  window.bootData = __SHOW_UI_DATA__;
  window.received = [];
  window.addEventListener('message', (event) => window.received.push(event.data));
  document.getElementById('create-figma-plugin').textContent = 'Stand-in UI';
`

/**
 * A stand-in main bundle that reports which globals it can reach, every way it can try: by name,
 * through globalThis, and through the global object behind Function('return this').
 */
const PROBING_MAIN = `
  const reach = (read) => { try { return read() } catch (error) { return 'threw ' + error.name } }
  const names = ['fetch', 'WebSocket', 'XMLHttpRequest', 'localStorage', 'sessionStorage', 'indexedDB', 'window', 'self', 'document',
    'parent', 'top', 'location', 'navigator', 'structuredClone', 'figma', '__html__', 'setTimeout', 'console', 'JSON', 'Promise', 'Uint8Array']
  const report = { byName: {}, viaGlobalThis: {}, viaFunction: {} }
  for (const name of names) {
    report.byName[name] = reach(() => Function('scope', 'return typeof scope')(eval(name)))
    report.viaGlobalThis[name] = typeof globalThis[name]
    report.viaFunction[name] = reach(() => typeof Function('return this')()[name])
  }
  report.thisIsGlobalThis = this === globalThis
  figma.showUI('<div id="create-figma-plugin"></div><script>const __SHOW_UI_DATA__ = {};' + __html__ + '</script>', { width: 320, height: 240 })
  try { figma.ui.resize(10, 10) } catch (error) { report.apiErrorIsError = error instanceof Error; report.apiError = error.message }
  figma.ui.postMessage(report)
`

const card = {
  runId: '0b7f4c1e-3a52-4c8e-9a61-2f0d5e6b7c8d',
  title: 'Deploy web to staging',
  env: 'staging',
  status: 'running',
  templateSlug: 'deploy-web',
  startedAt: '2025-01-03T10:00:00.000Z',
  finishedAt: null,
  summary: null,
}

describe('the plugin preview in Chromium', () => {
  let out: string
  let stack: TestStack
  let preview: Preview
  let browser: LaunchedBrowser
  let page: Page

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ops-preview-'))
    await mkdir(join(out, 'build'), { recursive: true })
    const main = await build({
      stdin: { contents: "import main from './src/main.ts'; main()", resolveDir: root, loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'neutral',
      target: 'es2017',
      logLevel: 'silent',
    })
    await writeFile(join(out, 'build', 'main.js'), main.outputFiles[0].text)
    await writeFile(join(out, 'build', 'ui.js'), STAND_IN_UI)
    const manifest = pluginManifest()
    await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...manifest, main: 'build/main.js', ui: 'build/ui.js' }))
    await buildPreviewHost(join(out, 'build', 'preview', 'host.js'))

    stack = await startTestStack('pglite')
    preview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0, outputDir: out })
    browser = await launchChromium()
    page = await browser.context.newPage()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
    await stack?.stop()
    if (out) await rm(out, { recursive: true, force: true })
  })

  async function pluginFrame(): Promise<Frame> {
    const handle = await page.waitForSelector('#window iframe')
    const frame = await handle.contentFrame()
    await frame!.waitForFunction(() => 'bootData' in window)
    return frame!
  }

  const post = (frame: Frame, message: unknown[]) => frame.evaluate((m) => parent.postMessage({ pluginMessage: m }, '*'), message)

  const waitForReceived = (frame: Frame, name: string) =>
    frame
      .waitForFunction(
        (n) => (window as unknown as { received: { pluginMessage: unknown[] }[] }).received.find((data) => data.pluginMessage?.[0] === n),
        name,
      )
      .then((handle) => handle.jsonValue()) as Promise<{ pluginMessage: unknown[]; pluginId: string }>

  it('runs the main bundle as Figma does: in a realm with figma, __html__, timers and console, and nothing of the browser', async () => {
    const probeOut = await mkdtemp(join(tmpdir(), 'ops-preview-probe-'))
    await mkdir(join(probeOut, 'build'), { recursive: true })
    await writeFile(join(probeOut, 'build', 'main.js'), PROBING_MAIN)
    await writeFile(join(probeOut, 'build', 'ui.js'), STAND_IN_UI)
    await writeFile(join(probeOut, 'manifest.json'), JSON.stringify({ ...pluginManifest(), main: 'build/main.js', ui: 'build/ui.js' }))
    await buildPreviewHost(join(probeOut, 'build', 'preview', 'host.js'))
    const probePreview = await startPreview({ stackUrl: stack.url, anonKey: stack.anonKey, port: 0, outputDir: probeOut })
    const probePage = await browser.context.newPage()
    try {
      await probePage.goto(probePreview.url)
      const handle = await probePage.waitForSelector('#window iframe')
      const frame = (await handle.contentFrame())!
      const handleReport = await frame.waitForFunction(() =>
        (window as unknown as { received?: { pluginMessage?: { byName?: unknown } }[] }).received?.find(
          (data) => data.pluginMessage?.byName,
        ),
      )
      const report = ((await handleReport.jsonValue()) as { pluginMessage: Record<string, unknown> }).pluginMessage
      const browserOnly = [
        'fetch',
        'WebSocket',
        'XMLHttpRequest',
        'localStorage',
        'sessionStorage',
        'indexedDB',
        'window',
        'self',
        'document',
      ]
      const figmaHas = {
        figma: 'object',
        __html__: 'string',
        setTimeout: 'function',
        console: 'object',
        JSON: 'object',
        Promise: 'function',
        Uint8Array: 'function',
      }
      for (const way of ['byName', 'viaGlobalThis'] as const) {
        const seen = report[way] as Record<string, string>
        expect(Object.fromEntries(browserOnly.map((name) => [name, seen[name]])), way).toEqual(
          Object.fromEntries(browserOnly.map((name) => [name, 'undefined'])),
        )
        expect(Object.fromEntries(Object.keys(figmaHas).map((name) => [name, seen[name]])), way).toEqual(figmaHas)
        expect([seen.parent, seen.top, seen.location, seen.navigator, seen.structuredClone], way).toEqual(Array(5).fill('undefined'))
      }
      // The realm's own global: what could be deleted is gone; window and document cannot be deleted from a browser realm.
      const behind = report.viaFunction as Record<string, string>
      expect(
        ['fetch', 'WebSocket', 'XMLHttpRequest', 'localStorage', 'sessionStorage', 'indexedDB', 'structuredClone'].map(
          (name) => behind[name],
        ),
      ).toEqual(Array(7).fill('undefined'))
      expect(report.thisIsGlobalThis).toBe(true)
      // The API's errors are of the plugin's realm, as Figma's are.
      expect(report.apiErrorIsError).toBe(true)
      expect(report.apiError).toMatch(/minimum size is 70 × 0/)
      expect(await probePage.textContent('#errors')).toBe('')
    } finally {
      await probePage.close()
      await probePreview.close()
      await rm(probeOut, { recursive: true, force: true })
    }
  })

  it('serves the page, the plugin and a config pointing at the stack; the build outputs are all there', async () => {
    expect(preview.missing).toEqual([])
    expect(preview.url).toMatch(/^http:\/\/localhost:\d+$/)
    const config = await (await fetch(`${preview.url}/config.json`)).json()
    expect(config).toEqual({ supabaseUrl: stack.url, anonKey: stack.anonKey })
    expect((await fetch(`${preview.url}/plugin/ui.js`)).status).toBe(200)
    expect((await fetch(`${preview.url}/nope`)).status).toBe(404)
  })

  it('shows the UI in a null-origin sandboxed iframe, with the boot data and the stack’s settings', async () => {
    await page.goto(preview.url)
    const frame = await pluginFrame()
    const iframe = await page.$('#window iframe')
    // As Figma's plugin iframe: scripts, downloads (a log or a diff saved as a file), links that
    // open a new tab; copying to the clipboard allowed by the permissions policy.
    expect((await iframe!.getAttribute('sandbox'))!.split(' ').sort()).toEqual(
      ['allow-downloads', 'allow-popups', 'allow-popups-to-escape-sandbox', 'allow-scripts'].sort(),
    )
    expect(await iframe!.getAttribute('allow')).toBe('clipboard-write')
    expect(await iframe!.getAttribute('srcdoc')).toContain('Stand-in UI')
    expect(await frame.evaluate(() => origin)).toBe('null')
    expect(await frame.evaluate(() => (window as unknown as { bootData: unknown }).bootData)).toEqual({
      editorType: 'figma',
      settings: { supabaseUrl: stack.url, anonKey: stack.anonKey },
      user: { id: 'preview-user', name: 'Preview User', photoUrl: null },
      openRunId: null,
      openSpecDocId: null,
    })
    expect(await frame.evaluate(() => document.body.className)).toBe('figma-light theme-figma')
    expect(await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--figma-color-bg').trim())).not.toBe('')
  })

  it('exchanges messages as Figma does and keeps clientStorage in the page', async () => {
    const frame = await pluginFrame()
    await post(frame, ['STORAGE_SET', 'req-1', 'sb-127-auth-token', '{"access_token":"t"}'])
    const result = await waitForReceived(frame, 'STORAGE_RESULT')
    expect(result).toEqual({ pluginMessage: ['STORAGE_RESULT', 'req-1', undefined], pluginId: 'ops-control-room' })
    expect(await page.evaluate(() => localStorage.getItem('ops-preview:clientStorage:session:sb-127-auth-token'))).toBe(
      JSON.stringify('{"access_token":"t"}'),
    )

    await post(frame, ['NOT_A_MESSAGE'])
    const error = await waitForReceived(frame, 'MAIN_ERROR')
    expect(error.pluginMessage[1]).toContain('does not handle "NOT_A_MESSAGE" messages')
  })

  it('draws cards on its canvas, shows notifications and relaunches the plugin on a card', async () => {
    let frame = await pluginFrame()
    await post(frame, ['ADD_SUMMARY_CARD', card])
    const added = await waitForReceived(frame, 'CARD_ADDED')
    expect(added.pluginMessage[1]).toBe(card.runId)
    await page.waitForSelector('#canvas [data-node-name="Title"]')
    expect(await page.textContent('#canvas')).toContain('Deploy web to staging')
    expect(await page.textContent('#canvas .relaunch')).toContain('Open run')

    await post(frame, ['RUN_FINISHED', { ...card, status: 'success', finishedAt: '2025-01-03T10:02:00.000Z' }])
    await page.waitForSelector('#notifications li')
    expect(await page.textContent('#notifications')).toContain('✓ “Deploy web to staging” succeeded in staging')
    await page.waitForFunction(() => document.querySelector('#canvas')?.textContent?.includes('Succeeded'))

    await page.click('#canvas .relaunch button')
    await page.waitForFunction(() => document.querySelector<HTMLIFrameElement>('#window iframe')?.srcdoc.includes('"openRunId":"'))
    frame = await pluginFrame()
    expect(await frame.evaluate(() => (window as unknown as { bootData: { openRunId: string } }).bootData.openRunId)).toBe(card.runId)
  })

  it('keeps the storage across reloads, and resizes the window when asked', async () => {
    await page.reload()
    const frame = await pluginFrame()
    await post(frame, ['STORAGE_GET', 'req-2', 'sb-127-auth-token'])
    const result = await waitForReceived(frame, 'STORAGE_RESULT')
    expect(result.pluginMessage).toEqual(['STORAGE_RESULT', 'req-2', '{"access_token":"t"}'])
    await post(frame, ['RESIZE', 700, 800])
    await page.waitForFunction(() => document.querySelector('#window iframe')?.getAttribute('width') === '700')
    expect(await page.getAttribute('#window iframe', 'height')).toBe('800')
  })

  it('lets the UI download a file it made, as Figma does', async () => {
    const frame = await pluginFrame()
    const download = page.waitForEvent('download')
    await frame.evaluate(() => {
      const link = document.createElement('a')
      link.href = URL.createObjectURL(new Blob(['one line\n'], { type: 'text/plain' }))
      link.download = 'run.log'
      document.body.appendChild(link)
      link.click()
      link.remove()
    })
    expect((await download).suggestedFilename()).toBe('run.log')
  })

  it('draws the canvas and its cards in the chosen editor and theme', async () => {
    const canvasLook = () =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLElement>('#canvas')!
        return { editor: canvas.dataset.editor, theme: canvas.dataset.theme, background: getComputedStyle(canvas).backgroundColor }
      })
    await page.selectOption('#editor', 'figma')
    await page.selectOption('#theme', 'light')
    const light = await canvasLook()
    expect(light).toMatchObject({ editor: 'figma', theme: 'light' })
    await page.selectOption('#theme', 'dark')
    await expect.poll(canvasLook).toMatchObject({ editor: 'figma', theme: 'dark' })
    const dark = await canvasLook()
    expect(dark.background).not.toBe(light.background)
    await page.selectOption('#editor', 'figjam')
    await expect.poll(canvasLook).toMatchObject({ editor: 'figjam', theme: 'dark' })
    expect((await canvasLook()).background).not.toBe(dark.background)
    // A card keeps its own paints, as Figma draws nodes; what the host draws around it (its
    // relaunch button and caption) follows the theme.
    const frame = await pluginFrame()
    await post(frame, ['ADD_SUMMARY_CARD', { ...card, runId: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', title: 'Dark board card' }])
    const wrap = page.locator('#canvas .node-wrap', { hasText: 'Dark board card' })
    await wrap.locator('.node').waitFor()
    const around = () =>
      wrap.evaluate((element) => ({
        node: getComputedStyle(element.querySelector('.node')!).backgroundColor,
        button: getComputedStyle(element.querySelector('.relaunch button')!).backgroundColor,
        caption: getComputedStyle(element.querySelector('.relaunch span')!).color,
      }))
    const onDark = await around()
    await page.selectOption('#editor', 'figma')
    await page.selectOption('#theme', 'light')
    await expect.poll(canvasLook).toMatchObject({ editor: 'figma', theme: 'light' })
    const onLight = await around()
    expect(onLight.node).toBe(onDark.node)
    expect(onLight.button).not.toBe(onDark.button)
    expect(onLight.caption).not.toBe(onDark.caption)
  })

  it('draws a Spec Kit document’s section on the FigJam canvas: its frames in reading order and its comment stickies', async () => {
    // Wide enough for the section's three columns (a section wider than the canvas is drawn smaller).
    await page.setViewportSize({ width: 2200, height: 1400 })
    await page.goto(preview.url)
    await page.selectOption('#theme', 'light')
    await page.selectOption('#editor', 'figjam')
    await page.waitForFunction(() => document.querySelector<HTMLIFrameElement>('#window iframe')?.srcdoc.includes('"editorType":"figjam"'))
    const frame = await pluginFrame()
    const content = readFileSync(new URL('../../spec/continue-orchestrator/prd.md', import.meta.url), 'utf8')
    const comment = (id: string, anchor: string, body: string) => ({
      id,
      thread_id: null,
      anchor_key: anchor,
      body,
      author_id: 'u-ada',
      resolved_at: null,
      source: null,
    })
    const board = buildSpecBoardData({
      doc: { id: 'doc-prd', title: 'Continue Orchestrator PRD', version: 4 },
      anchors: parseAnchors(content),
      review: { state: 'in_review', approvedVersion: null },
      comments: [
        comment('c-1', 'FR-002', 'What if the clock skews between executors?'),
        comment('c-2', 'FR-002', 'Name the SQL function here.'),
        comment('c-3', 'US-1', 'Which log lines count as live?'),
      ],
      names: new Map([['u-ada', 'Ada']]),
    })
    await post(frame, ['SPEC_BOARD_ADD', board])
    await waitForReceived(frame, 'SPEC_BOARD_ADDED')
    const section = page.locator('#canvas [data-node-type="SECTION"]')
    await section.waitFor()
    expect(await section.getAttribute('data-node-name')).toBe('Continue Orchestrator PRD · revision 4')
    const names = await section
      .locator(':scope > [data-node-type="FRAME"]')
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.nodeName))
    expect(names.slice(0, 3)).toEqual(['User Story 1 · User story', 'User Story 2 · User story', 'User Story 3 · User story'])
    expect(names).toContain('FR-024 · Requirement')
    const stickies = section.locator('[data-node-type="STICKY"]')
    expect(await stickies.count()).toBe(3)
    expect(await stickies.allTextContents()).toContain('Name the SQL function here.\n— Ada')
    expect(await page.textContent('#canvas .relaunch')).toContain('Open in Spec Kit')
    expect(await page.textContent('#errors')).toBe('')

    // A collaborator puts a sticky in User Story 2's frame (a double-click in the preview): the plugin offers it as a comment.
    page.once('dialog', (dialog) => void dialog.accept('Does a retry count as a new run?'))
    await section.locator('[data-node-name="User Story 2 · User story"] [data-node-name="Text"]').dblclick()
    const suggestion = await waitForReceived(frame, 'SPEC_BOARD_SUGGESTION')
    expect(suggestion.pluginMessage[1]).toMatchObject({
      docId: 'doc-prd',
      anchorKey: 'US-2',
      body: 'Does a retry count as a new run?',
      authorName: 'Preview collaborator',
    })
    await expect.poll(() => stickies.count()).toBe(4)
    // The picture: the top of the section (its stories and first requirements), as a team sees it on the board.
    await mkdir(join(root, 'test-results', 'screenshots'), { recursive: true })
    const box = (await section.boundingBox())!
    await page.screenshot({
      path: join(root, 'test-results', 'screenshots', 'spec-board.png'),
      clip: { x: box.x - 16, y: box.y - 40, width: box.width + 32, height: Math.min(box.height + 56, 1000) },
    })
  })
})
