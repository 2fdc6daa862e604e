/**
 * The plugin's main thread against the fake `figma` global: opening the UI with its boot data,
 * the UI's session storage over STORAGE_* messages, settings, the remembered window size, run
 * cards on the canvas with relaunch data, relaunching on a card, finished-run notifications, and
 * a clear MAIN_ERROR for anything it cannot do.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { memoryStorageBackend, snapshotNode, textsOf, type FakeFigmaHost } from '../../local/preview/fake-figma.ts'
import { createMessageStorage } from '../../src/client/storage.ts'
import type { SummaryCardData, UiBootData } from '../../src/client/types.ts'
import { LOCAL_PUBLISHABLE_KEY } from '../../local/api-keys.ts'
import { statusView } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { poll, startPlugin, UI_HTML, type RunningPlugin } from './harness.ts'

const running: RunningPlugin[] = []
afterEach(() => {
  for (const plugin of running.splice(0)) plugin.stop()
})

async function start(...args: Parameters<typeof startPlugin>) {
  const plugin = await startPlugin(...args)
  running.push(plugin)
  return plugin
}

/** The data showUI handed the UI (create-figma-plugin inlines it as __SHOW_UI_DATA__). */
function bootDataOf(host: FakeFigmaHost): UiBootData {
  const html = host.ui!.html
  const start = html.indexOf('const __SHOW_UI_DATA__=') + 'const __SHOW_UI_DATA__='.length
  const end = html.indexOf(`;${UI_HTML}`, start)
  return JSON.parse(html.slice(start, end))
}

const card: SummaryCardData = {
  runId: '6f1c0a52-8f0e-4d65-9d5b-0d9b8a1f2c3d',
  title: 'Deploy web to production',
  env: 'production',
  status: 'success',
  templateSlug: 'deploy-web',
  startedAt: '2025-01-03T10:00:00.000Z',
  finishedAt: '2025-01-03T10:02:30.000Z',
  summary: 'Deploy web in production: 4 steps succeeded (1 as dry run) in 2.5 min',
}

describe('opening the plugin', () => {
  it('shows the themed UI with the boot data: editor, build-time settings, the Figma user, no run', async () => {
    const plugin = await start({ currentUser: { id: 'u-1', name: 'Ada', photoUrl: 'https://example.com/ada.png' } })
    const ui = plugin.host.ui!
    expect(ui.options).toMatchObject({ title: 'Ops Control Room', width: 480, height: 680, themeColors: true })
    expect(ui.html).toContain("document.body.classList.add('theme-figma')")
    expect(ui.html.endsWith(`${UI_HTML}</script>`)).toBe(true)
    expect(bootDataOf(plugin.host)).toEqual({
      editorType: 'figma',
      settings: { supabaseUrl: 'http://localhost:54321', anonKey: LOCAL_PUBLISHABLE_KEY },
      user: { id: 'u-1', name: 'Ada', photoUrl: 'https://example.com/ada.png' },
      openRunId: null,
      openSpecDocId: null,
    })
  })

  it('knows it is in FigJam', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: null })
    expect(plugin.host.ui!.html).toContain("document.body.classList.add('theme-figjam')")
    expect(bootDataOf(plugin.host)).toMatchObject({ editorType: 'figjam', user: null })
  })

  it('opens with the build’s settings and the default size when clientStorage cannot be read', async () => {
    const broken = {
      ...memoryStorageBackend(),
      get: (): string | undefined => {
        throw new Error('storage is corrupt')
      },
    }
    const plugin = await start({ storage: broken })
    expect(plugin.host.ui).toMatchObject({ width: 480, height: 680 })
    expect(bootDataOf(plugin.host).settings).toEqual({ supabaseUrl: 'http://localhost:54321', anonKey: LOCAL_PUBLISHABLE_KEY })
  })

  it('opens without a user when the currentuser permission is missing', async () => {
    const plugin = await start({ manifest: { ...(await import('./harness.ts')).pluginManifest(), permissions: [] } })
    expect(bootDataOf(plugin.host).user).toBeNull()
  })
})

describe('session storage over STORAGE_* messages', () => {
  it('sets, gets and removes a value in figma.clientStorage under its own namespace', async () => {
    const plugin = await start()
    plugin.emit('STORAGE_SET', 'r1', 'sb-127-auth-token', '{"access_token":"a"}')
    expect(await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')).toEqual(['STORAGE_RESULT', 'r1', undefined])
    expect(plugin.storage.get('session:sb-127-auth-token')).toBe('"{\\"access_token\\":\\"a\\"}"')

    plugin.emit('STORAGE_GET', 'r2', 'sb-127-auth-token')
    expect(await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r2')).toEqual(['STORAGE_RESULT', 'r2', '{"access_token":"a"}'])

    plugin.emit('STORAGE_REMOVE', 'r3', 'sb-127-auth-token')
    await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r3')
    plugin.emit('STORAGE_GET', 'r4', 'sb-127-auth-token')
    expect(await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r4')).toEqual(['STORAGE_RESULT', 'r4', null])
  })

  it('cannot reach the plugin’s other keys through the session namespace', async () => {
    const plugin = await start({ storage: memoryStorageBackend({ settings: { supabaseUrl: 'https://x.supabase.co', anonKey: 'k' } }) })
    plugin.emit('STORAGE_GET', 'r1', 'settings')
    expect(await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')).toEqual(['STORAGE_RESULT', 'r1', null])
    plugin.emit('STORAGE_REMOVE', 'r2', 'settings')
    await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r2')
    expect(plugin.storage.get('settings')).toBeDefined()
  })

  it('answers a bad request with an error for that request id', async () => {
    const plugin = await start()
    plugin.emit('STORAGE_SET', 'r1', 'key', 42)
    expect(await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')).toEqual([
      'STORAGE_RESULT',
      'r1',
      undefined,
      'the value for "key" must be a string, got number',
    ])
    plugin.emit('STORAGE_GET', 'r2', '')
    expect((await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r2'))[3]).toMatch(/storage key must be a string/)
  })

  it('passes a clientStorage failure (the 5 MB quota) back to the request', async () => {
    const plugin = await start({ storageQuotaBytes: 1000 })
    plugin.emit('STORAGE_SET', 'big', 'sb-x-auth-token', 'x'.repeat(2000))
    const [, , value, error] = await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'big')
    expect(value).toBeUndefined()
    expect(error).toMatch(/quota/)
  })

  it('serves the client’s message storage adapter', async () => {
    const plugin = await start()
    const storage = createMessageStorage(plugin.storagePort())
    expect(await storage.getItem('k')).toBeNull()
    await storage.setItem('k', 'v1')
    await Promise.all([storage.setItem('a', '1'), storage.setItem('b', '2')])
    expect(await Promise.all([storage.getItem('k'), storage.getItem('a'), storage.getItem('b')])).toEqual(['v1', '1', '2'])
    await storage.removeItem('k')
    expect(await storage.getItem('k')).toBeNull()
    storage.dispose()
  })
})

describe('messages the main thread cannot handle', () => {
  it('answers an unknown message with MAIN_ERROR naming it and the known ones', async () => {
    const plugin = await start()
    plugin.emit('LAUNCH_ROCKET', 1)
    const [, message] = await plugin.waitFor('MAIN_ERROR')
    expect(message).toContain('does not handle "LAUNCH_ROCKET" messages')
    expect(message).toContain(
      'ADD_SUMMARY_CARD, RESIZE, RUN_FINISHED, SAVE_SETTINGS, SPEC_BOARD_ADD, SPEC_BOARD_FIND, SPEC_BOARD_RESOLVE, SPEC_BOARD_SYNC, STORAGE_GET, STORAGE_REMOVE, STORAGE_SET',
    )
    expect(message).toContain('rebuild the plugin')
    expect(plugin.host.errors).toEqual([])
  })

  it('answers a message that is not [name, ...args]', async () => {
    const plugin = await start()
    plugin.host.sendToMain({ type: 'hello' })
    const [, message] = await plugin.waitFor('MAIN_ERROR')
    expect(message).toBe('The plugin main thread got a message it cannot read (expected [name, ...arguments], got {"type":"hello"}).')
  })

  it('reports a failed action with what failed and why', async () => {
    const plugin = await start()
    plugin.emit('ADD_SUMMARY_CARD', { runId: 'x', title: 'T' })
    const [, message] = await plugin.waitFor('MAIN_ERROR')
    expect(message).toMatch(/^Could not add the summary card to the board: a summary card needs runId, title, env, a status/)
  })
})

describe('settings', () => {
  it('saves the settings and opens with them next time', async () => {
    const storage = memoryStorageBackend()
    const first = await start({ storage })
    const settings = { supabaseUrl: 'https://abcdefghijklmnop.supabase.co', anonKey: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig' }
    first.emit('SAVE_SETTINGS', settings)
    await poll(() => storage.get('settings'), 'the settings to be stored')
    first.stop()

    const second = await start({ storage })
    expect(bootDataOf(second.host).settings).toEqual(settings)
  })

  it('refuses settings that cannot be settings, keeping the saved ones', async () => {
    const storage = memoryStorageBackend({ settings: { supabaseUrl: 'https://saved.supabase.co', anonKey: 'saved-key' } })
    const plugin = await start({ storage })
    plugin.emit('SAVE_SETTINGS', { supabaseUrl: 'javascript:alert(1)', anonKey: 'k' })
    const [, message] = await plugin.waitFor('MAIN_ERROR')
    expect(message).toMatch(/^Could not save the settings: supabaseUrl must be a project URL/)
    expect(JSON.parse(storage.get('settings')!)).toEqual({ supabaseUrl: 'https://saved.supabase.co', anonKey: 'saved-key' })
  })
})

describe('the window size', () => {
  it('resizes the window, remembers the size and opens at it next time', async () => {
    const storage = memoryStorageBackend()
    const first = await start({ storage })
    first.emit('RESIZE', 640, 720)
    first.emit('RESIZE', 600.4, 700.6)
    await poll(() => (first.host.ui!.width === 600 ? true : undefined), 'the resize')
    expect(first.host.ui).toMatchObject({ width: 600, height: 701 })
    await poll(() => storage.get('window-size'), 'the size to be stored')
    expect(JSON.parse(storage.get('window-size')!)).toEqual({ width: 600, height: 701 })
    first.stop()

    const second = await start({ storage })
    expect(second.host.ui).toMatchObject({ width: 600, height: 701 })
  })

  it('keeps the window within bounds', async () => {
    const plugin = await start()
    plugin.emit('RESIZE', 10, 99_999)
    await poll(() => (plugin.host.ui!.width !== 480 ? true : undefined), 'the resize')
    expect(plugin.host.ui).toMatchObject({ width: 340, height: 1400 })
  })
})

describe('run summary cards', () => {
  it.each(['figma', 'figjam'] as const)(
    'drops a card in the middle of the viewport in %s, with relaunch data and the run id',
    async (editorType) => {
      const plugin = await start({ editorType, viewportCenter: { x: 1000, y: 500 } })
      plugin.emit('ADD_SUMMARY_CARD', card)
      const [, runId, nodeId] = await plugin.waitFor('CARD_ADDED')
      expect(runId).toBe(card.runId)
      const node = (await plugin.host.figma.getNodeByIdAsync(nodeId))!
      expect(node.parent).toBe(plugin.host.document.currentPage)
      expect(plugin.host.document.currentPage.selection).toEqual([node])

      const snapshot = snapshotNode(node)
      expect(snapshot.type).toBe('FRAME')
      expect(textsOf(snapshot)).toEqual([
        'Succeeded',
        'production',
        'Deploy web to production',
        'Started 2025-01-03 10:00 UTC · Finished 10:02 UTC',
        'Deploy web in production: 4 steps succeeded (1 as dry run) in 2.5 min',
        `deploy-web · ${card.runId.slice(0, 8)}`,
      ])
      const rgb = (hex: string) => ({
        r: parseInt(hex.slice(1, 3), 16) / 255,
        g: parseInt(hex.slice(3, 5), 16) / 255,
        b: parseInt(hex.slice(5, 7), 16) / 255,
      })
      const succeeded = statusView('success')
      expect(snapshot.strokes).toEqual([{ type: 'SOLID', color: rgb(succeeded.accent) }])
      const pill = snapshot.children[0].children[0]
      expect(pill.fills).toEqual([{ type: 'SOLID', color: rgb(succeeded.fill) }])
      expect(pill.children[0].fills).toEqual([{ type: 'SOLID', color: rgb(succeeded.text) }])
      expect(snapshot.relaunchData).toEqual({ 'open-run': 'Deploy web to production (production) · Succeeded' })
      expect(snapshot.pluginData.runId).toBe(card.runId)
      expect(JSON.parse(snapshot.pluginData.card)).toEqual(card)
      expect(snapshot.width).toBe(320)
      expect(snapshot.x + snapshot.width / 2).toBeCloseTo(1000, -1)
      expect(snapshot.y + snapshot.height / 2).toBeCloseTo(500, -1)
    },
  )

  it('says when a run has not started yet, and fans out cards dropped on the same spot', async () => {
    const plugin = await start()
    const queued = { ...card, status: 'queued' as const, startedAt: null, finishedAt: null, summary: null }
    plugin.emit('ADD_SUMMARY_CARD', queued)
    plugin.emit('ADD_SUMMARY_CARD', { ...queued, runId: '7a2d1b63-9f1f-4e76-8e6c-1e0c9b2a3d4e' })
    await poll(() => (plugin.received('CARD_ADDED').length === 2 ? true : undefined), 'two cards')
    const [first, second] = plugin.received('CARD_ADDED').map(([, , id]) => plugin.host.document.getNode(id as string)!)
    expect(textsOf(snapshotNode(first))).toContain('Not started yet')
    expect(snapshotNode(first).children).toHaveLength(4) // header, title, times, footer: no summary
    expect(snapshotNode(second).x).not.toBe(snapshotNode(first).x)
  })

  it('adding a run that already has a card shows that card (selected, in view) with a notice, instead of a duplicate', async () => {
    const plugin = await start({ viewportCenter: { x: 1000, y: 500 } })
    plugin.emit('ADD_SUMMARY_CARD', card)
    const [, , firstId] = await plugin.waitFor('CARD_ADDED')
    const page = plugin.host.document.currentPage
    const cardsOfRun = () => page.children.filter((node) => node.getPluginData('runId') === card.runId)
    expect(cardsOfRun()).toHaveLength(1)
    // The person scrolls away and selects nothing, then adds the same run again (with news: it failed).
    plugin.host.figma.viewport.center = { x: 9000, y: 9000 }
    page.selection = []
    plugin.emit('ADD_SUMMARY_CARD', { ...card, status: 'error', summary: 'Failed at step dispatch' })
    const [, runId, secondId] = await plugin.waitFor('CARD_SHOWN')
    expect(plugin.received('CARD_ADDED')).toHaveLength(1)
    expect([runId, secondId]).toEqual([card.runId, firstId])
    expect(cardsOfRun()).toHaveLength(1)
    const node = plugin.host.document.getNode(firstId as string)!
    expect(page.selection).toEqual([node])
    const { center } = plugin.host.figma.viewport
    const drawn = snapshotNode(node)
    expect(center.x).toBeCloseTo(drawn.x + drawn.width / 2, -1)
    expect(center.y).toBeCloseTo(drawn.y + drawn.height / 2, -1)
    expect(plugin.host.notifications.map((n) => n.message)).toEqual(['This run already has a card on the board: showing it'])
    expect(textsOf(snapshotNode(node))).toContain('Failed at step dispatch')
    expect(plugin.received('MAIN_ERROR')).toEqual([])
  })

  it('keeps a card’s plugin data under Figma’s 100 kB per entry, marking cut texts as truncated', async () => {
    const plugin = await start()
    // A 200 kB error log as the summary (two UTF-8 bytes per character) and an overlong title.
    const summary = `Step deploy failed: ${'ü'.repeat(100_000)}`
    const title = `Deploy ${'x'.repeat(150_000)}`
    plugin.emit('ADD_SUMMARY_CARD', { ...card, status: 'error', summary, title })
    const [, , nodeId] = await plugin.waitFor('CARD_ADDED')
    const snapshot = snapshotNode(plugin.host.document.getNode(nodeId as string)!)
    const stored = snapshot.pluginData.card
    const entryBytes = Buffer.byteLength(`ops-control-room${'card'}${stored}`)
    expect(entryBytes).toBeLessThanOrEqual(100_000)
    expect(entryBytes).toBeGreaterThan(90_000) // cut to fit, not emptied
    const data = JSON.parse(stored)
    expect(data).toMatchObject({ runId: card.runId, status: 'error', env: 'production' })
    expect(data.summary.startsWith('Step deploy failed: üü')).toBe(true)
    expect(data.summary.endsWith('… (truncated)')).toBe(true)
    expect(data.title.endsWith('… (truncated)')).toBe(true)

    const texts = textsOf(snapshot)
    expect(texts[2]).toMatch(/^Deploy x+… \(truncated\)$/)
    expect(texts[2]).toHaveLength(200)
    expect(texts[4]).toMatch(/^Step deploy failed: ü+… \(truncated\)$/)
    expect(texts[4]).toHaveLength(280)

    // The finished run redraws the card within the limit too.
    plugin.emit('RUN_FINISHED', { ...card, status: 'error', summary: summary + summary, title })
    await poll(() => (plugin.host.notifications.length === 1 ? true : undefined), 'the notification')
    expect(plugin.received('MAIN_ERROR')).toEqual([])
  })

  it('reopens the plugin on the run of the selected card (relaunch)', async () => {
    const first = await start()
    first.emit('ADD_SUMMARY_CARD', card)
    const [, , nodeId] = await first.waitFor('CARD_ADDED')
    const document = first.host.document
    first.stop()

    // The user selects the card and presses its "Open run" button.
    const node = document.getNode(nodeId as string)!
    document.currentPage.selection = [node]
    const relaunched = await start({ document, command: 'open-run' })
    expect(bootDataOf(relaunched.host).openRunId).toBe(card.runId)
    relaunched.stop()

    // A text inside the card works too; a normal run ignores the selection.
    document.currentPage.selection = [(node as unknown as { children: { children: unknown[] }[] }).children[1] as never]
    expect(bootDataOf((await start({ document, command: 'open-run' })).host).openRunId).toBe(card.runId)
    expect(bootDataOf((await start({ document, command: '' })).host).openRunId).toBeNull()
    document.currentPage.selection = []
    expect(bootDataOf((await start({ document, command: 'open-run' })).host).openRunId).toBeNull()
  })
})

describe('finished runs', () => {
  it('announces the outcome with figma.notify', async () => {
    const plugin = await start()
    plugin.emit('RUN_FINISHED', card)
    plugin.emit('RUN_FINISHED', { ...card, status: 'error', title: 'Open incident' })
    plugin.emit('RUN_FINISHED', { ...card, status: 'canceled' })
    await poll(() => (plugin.host.notifications.length === 3 ? true : undefined), 'three notifications')
    expect(plugin.host.notifications).toEqual([
      { message: '✓ “Deploy web to production” succeeded in production', options: { error: false, timeout: 6000 } },
      { message: '✕ “Open incident” failed in production', options: { error: true, timeout: 6000 } },
      { message: '⊘ “Deploy web to production” was canceled in production', options: { error: false, timeout: 6000 } },
    ])
  })

  it('updates the run’s cards to the final status', async () => {
    const plugin = await start()
    plugin.emit('ADD_SUMMARY_CARD', { ...card, status: 'running', finishedAt: null, summary: null })
    const [, , nodeId] = await plugin.waitFor('CARD_ADDED')
    plugin.emit('RUN_FINISHED', { ...card, status: 'error', summary: 'Step dispatch failed' })
    await poll(() => (plugin.host.notifications.length === 1 ? true : undefined), 'the notification')
    const snapshot = await poll(() => {
      const current = snapshotNode(plugin.host.document.getNode(nodeId as string)!)
      return textsOf(current)[0] === 'Failed' ? current : undefined
    }, 'the card to show the failure')
    expect(textsOf(snapshot)).toContain('Step dispatch failed')
    expect(snapshot.strokes).toEqual([{ type: 'SOLID', color: { r: 0xf2 / 255, g: 0x48 / 255, b: 0x22 / 255 } }])
  })

  it('updates a card that was moved to another page, which the run has not loaded', async () => {
    const first = await start()
    first.emit('ADD_SUMMARY_CARD', { ...card, status: 'running', finishedAt: null, summary: null })
    const [, , nodeId] = await first.waitFor('CARD_ADDED')
    const document = first.host.document
    first.stop()
    // Someone moves the card to another page; the next run starts on the first page only.
    const archive = document.createPage('Archive')
    archive.adopt(document.getNode(nodeId as string)!)

    const plugin = await start({ document })
    expect(() => archive.children).toThrow(/not been explicitly loaded/)
    plugin.emit('RUN_FINISHED', { ...card, status: 'success' })
    await poll(() => (textsOf(snapshotNode(document.getNode(nodeId as string)!))[0] === 'Succeeded' ? true : undefined), 'the moved card')
    expect(plugin.received('MAIN_ERROR')).toEqual([])
  })
})
