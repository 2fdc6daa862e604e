/**
 * The fake `figma` global keeps the documented rules that catch real bugs before Figma does:
 * fonts, relaunch commands, plugin data and clientStorage limits, dynamic-page access, the
 * currentuser permission, FigJam-only APIs, and asynchronous message delivery.
 */
import { describe, expect, it } from 'vitest'
import {
  createFakeFigma,
  FakeDocument,
  memoryStorageBackend,
  snapshotNode,
  type FakeFrameNode,
  type FakeTextNode,
} from '../../local/preview/fake-figma.ts'

const manifest = {
  id: 'test-plugin',
  permissions: ['currentuser'],
  documentAccess: 'dynamic-page',
  relaunchButtons: [{ command: 'open', name: 'Open' }],
}

describe('the fake figma global', () => {
  it('refuses text edits until the font is loaded, as Figma does', async () => {
    const { figma } = createFakeFigma({ manifest })
    const text: FakeTextNode = figma.createText()
    expect(() => {
      text.characters = 'hello'
    }).toThrow(
      'Cannot write to node with unloaded font "Inter Regular". Please call figma.loadFontAsync({ family: "Inter", style: "Regular" }) and await the returned promise first.',
    )
    await figma.loadFontAsync({ family: 'Inter', style: 'Regular' })
    text.characters = 'hello'
    expect(() => {
      text.fontName = { family: 'Inter', style: 'Bold' }
    }).toThrow(/unloaded font "Inter Bold"/)
    await expect(figma.loadFontAsync({ family: 'Comic Sans', style: 'Regular' })).rejects.toThrow(
      'The font "Comic Sans Regular" could not be loaded',
    )
  })

  it('accepts only the manifest’s relaunch commands and short descriptions', () => {
    const { figma } = createFakeFigma({ manifest })
    const frame: FakeFrameNode = figma.createFrame()
    frame.setRelaunchData({ open: 'Open this' })
    expect(frame.relaunchData).toEqual({ open: 'Open this' })
    expect(() => frame.setRelaunchData({ edit: '' })).toThrow(
      'setRelaunchData: "edit" is not a relaunch button command of the manifest (relaunchButtons has "open")',
    )
    expect(() => frame.setRelaunchData({ open: 'x'.repeat(1001) })).toThrow(/the limit is 1000/)
  })

  it('limits plugin data to 100 kB per entry and removes an entry set to ""', () => {
    const { figma } = createFakeFigma({ manifest })
    const frame: FakeFrameNode = figma.createFrame()
    frame.setPluginData('k', 'v')
    expect(frame.getPluginData('k')).toBe('v')
    expect(() => frame.setPluginData('big', 'x'.repeat(100 * 1024))).toThrow(/cannot exceed 100 kB/)
    expect(() => frame.setPluginData('n', 42 as unknown as string)).toThrow(/must be a string/)
    frame.setPluginData('k', '')
    expect(frame.getPluginDataKeys()).toEqual([])
  })

  it('keeps clientStorage asynchronous, JSON-cloned and within its quota', async () => {
    const storage = memoryStorageBackend()
    const { figma } = createFakeFigma({ manifest, storage, storageQuotaBytes: 200 })
    const value = { nested: { list: [1, 2] } }
    const pending = figma.clientStorage.setAsync('k', value)
    expect(storage.get('k')).toBeUndefined() // not yet: it is asynchronous
    await pending
    value.nested.list.push(3)
    expect(await figma.clientStorage.getAsync('k')).toEqual({ nested: { list: [1, 2] } })
    expect(await figma.clientStorage.getAsync('missing')).toBeUndefined()
    await expect(figma.clientStorage.setAsync('huge', 'x'.repeat(300))).rejects.toThrow(/quota is 200 bytes/)
    await expect(figma.clientStorage.setAsync('f', () => 1)).rejects.toThrow(/cannot be stored/)
    expect(await figma.clientStorage.keysAsync()).toEqual(['k'])
    await figma.clientStorage.deleteAsync('k')
    expect(await figma.clientStorage.keysAsync()).toEqual([])
  })

  it('wants getNodeByIdAsync under dynamic-page access', async () => {
    const { figma } = createFakeFigma({ manifest })
    const frame = figma.createFrame()
    expect(() => figma.getNodeById(frame.id)).toThrow(/dynamic-page.*getNodeByIdAsync/)
    expect(await figma.getNodeByIdAsync(frame.id)).toBe(frame)
    frame.remove()
    expect(frame.removed).toBe(true)
    expect(await figma.getNodeByIdAsync(frame.id)).toBeNull()
    expect(() => frame.setPluginData('k', 'v')).toThrow(/was removed/)
  })

  it('needs the currentuser permission for figma.currentUser', () => {
    expect(createFakeFigma({ manifest, currentUser: { id: '1', name: 'Ada', photoUrl: null } }).figma.currentUser.name).toBe('Ada')
    expect(() => createFakeFigma({ manifest: { ...manifest, permissions: [] } }).figma.currentUser).toThrow(/"currentuser" permission/)
  })

  it('checks the editor against the manifest', () => {
    expect(() => createFakeFigma({ manifest: { ...manifest, editorType: ['figma'] }, editorType: 'figjam' })).toThrow(
      /does not include "figjam"/,
    )
    expect(createFakeFigma({ manifest, editorType: 'figjam' }).figma.editorType).toBe('figjam')
  })

  it('delivers UI messages asynchronously to onmessage and message listeners, and reports handler errors', async () => {
    const errors: unknown[] = []
    const host = createFakeFigma({ manifest, onError: (error) => errors.push(error) })
    const got: unknown[] = []
    host.figma.ui.onmessage = (message: unknown) => {
      got.push(['onmessage', message])
      if (message === 'boom') throw new Error('handler failed')
    }
    host.figma.ui.on('message', (message: unknown) => got.push(['listener', message]))
    host.sendToMain({ a: 1 })
    expect(got).toEqual([])
    await host.flush()
    expect(got).toEqual([
      ['onmessage', { a: 1 }],
      ['listener', { a: 1 }],
    ])
    host.sendToMain('boom')
    await host.flush()
    expect((errors[0] as Error).message).toBe('handler failed')
    expect(() => host.figma.ui.postMessage('x')).toThrow(/no UI is open/)
    host.figma.showUI('<p>ui</p>', { width: 300, height: 400 })
    host.figma.ui.postMessage(['HELLO', { when: new Date(0) }])
    expect(host.uiMessages).toEqual([['HELLO', { when: new Date(0) }]])
    host.figma.closePlugin('Bye')
    expect(host.closed).toBe(true)
    expect(host.notifications).toEqual([{ message: 'Bye', options: {} }])
  })

  it('keeps the canvas across plugin runs and lays auto-layout frames out roughly', async () => {
    const document = new FakeDocument()
    const first = createFakeFigma({ manifest, document })
    await first.figma.loadFontAsync({ family: 'Inter', style: 'Regular' })
    const frame: FakeFrameNode = first.figma.createFrame()
    frame.layoutMode = 'VERTICAL'
    frame.paddingTop = frame.paddingBottom = 10
    frame.itemSpacing = 4
    const a: FakeTextNode = first.figma.createText()
    a.characters = 'one'
    const b: FakeTextNode = first.figma.createText()
    b.characters = 'two'
    frame.appendChild(a)
    frame.appendChild(b)
    expect(frame.height).toBe(10 + a.height + 4 + b.height + 10)
    expect(() => frame.appendChild(frame)).toThrow(/inside itself/)
    first.close()

    const second = createFakeFigma({ manifest, document })
    expect(second.figma.currentPage.children.map((node: { id: string }) => node.id)).toEqual([frame.id])
    expect(snapshotNode(frame).children.map((child) => child.characters)).toEqual(['one', 'two'])
    second.figma.currentPage.selection = [frame]
    const page = second.figma.currentPage
    expect(() => {
      second.figma.currentPage = page
    }).toThrow(/setCurrentPageAsync/)
  })
})
