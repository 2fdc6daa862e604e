/**
 * The fake `figma` global keeps the documented rules that catch real bugs before Figma does:
 * fonts, relaunch commands, plugin data and clientStorage rules, dynamic-page loading, the
 * currentuser permission, event names, node property validation, figma.ui without a UI, and
 * messages copied as plain data and delivered asynchronously.
 */
import { describe, expect, it } from 'vitest'
import {
  createFakeFigma,
  FakeDocument,
  memoryStorageBackend,
  snapshotNode,
  type FakeFrameNode,
  type FakePageNode,
  type FakeSectionNode,
  type FakeStickyNode,
  type FakeTextNode,
} from '../../local/preview/fake-figma.ts'
import { createHostRealm } from '../support/host-realm.ts'
import { poll } from './harness.ts'

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
    expect(() => frame.setPluginData('big', 'x'.repeat(100_000))).toThrow(/cannot exceed 100 kB/)
    expect(() => frame.setPluginData('n', 42 as unknown as string)).toThrow(/must be a string/)
    frame.setPluginData('k', '')
    expect(frame.getPluginDataKeys()).toEqual([])
  })

  it('keeps clientStorage asynchronous, copied and within its quota', async () => {
    const storage = memoryStorageBackend()
    const { figma } = createFakeFigma({ manifest, storage, storageQuotaBytes: 200 })
    const value = { nested: { list: [1, 2] } }
    const pending = figma.clientStorage.setAsync('k', value)
    value.nested.list.push(3) // after the call: storage keeps what was handed over
    expect(storage.get('k')).toBeUndefined() // not yet: it is asynchronous
    await pending
    expect(await figma.clientStorage.getAsync('k')).toEqual({ nested: { list: [1, 2] } })
    expect(await figma.clientStorage.getAsync('missing')).toBeUndefined()
    await expect(figma.clientStorage.setAsync('huge', 'x'.repeat(300))).rejects.toThrow(/quota is 200 bytes/)
    expect(await figma.clientStorage.keysAsync()).toEqual(['k'])
    await figma.clientStorage.deleteAsync('k')
    expect(await figma.clientStorage.keysAsync()).toEqual([])
  })

  it('stores what the docs list (undefined and Uint8Array too) and refuses the rest', async () => {
    const { figma } = createFakeFigma({ manifest })
    // Storing undefined stores it: the key stays, as for any value; only deleteAsync removes it.
    await figma.clientStorage.setAsync('gone?', 'value')
    await figma.clientStorage.setAsync('gone?', undefined)
    expect(await figma.clientStorage.keysAsync()).toEqual(['gone?'])
    expect(await figma.clientStorage.getAsync('gone?')).toBeUndefined()
    await figma.clientStorage.setAsync('bytes', { data: new Uint8Array([1, 2, 255]), note: null })
    expect(await figma.clientStorage.getAsync('bytes')).toEqual({ data: new Uint8Array([1, 2, 255]), note: null })

    const refused: [string, unknown, RegExp][] = [
      ['a function', () => 1, /the value for "f" is a function/],
      ['a Date', { at: new Date(0) }, /the value for "f"\.at is a Date/],
      ['a Map', new Map([[1, 2]]), /is a Map/],
      ['a BigInt', [1n], /\[0\] is a BigInt/],
      ['NaN', { n: Number.NaN }, /the number NaN/],
    ]
    for (const [, stored, message] of refused) await expect(figma.clientStorage.setAsync('f', stored)).rejects.toThrow(message)
    await expect(figma.clientStorage.setAsync('', 1)).rejects.toThrow(/non-empty string/)
  })

  it('counts a Uint8Array by its length against the quota', async () => {
    const { figma } = createFakeFigma({ manifest, storageQuotaBytes: 1000 })
    await figma.clientStorage.setAsync('b', new Uint8Array(900)) // as JSON it would be far over 1000 bytes
    await expect(figma.clientStorage.setAsync('c', new Uint8Array(200))).rejects.toThrow(/quota is 1000 bytes/)
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
    expect(() => host.sendToMain(['too early'])).toThrow(/no plugin UI is open/)
    const got: unknown[] = []
    host.figma.ui.onmessage = (message: unknown) => {
      got.push(['onmessage', message])
      if (message === 'boom') throw new Error('handler failed')
    }
    host.figma.ui.on('message', (message: unknown) => got.push(['listener', message]))
    expect(() => host.figma.ui.postMessage('x')).toThrow(/no UI is open/)
    host.figma.showUI('<p>ui</p>', { width: 300, height: 400 })
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
    host.figma.ui.postMessage(['HELLO', { when: new Date(0) }])
    expect(host.uiMessages).toEqual([['HELLO', { when: new Date(0) }]])
    host.figma.closePlugin('Bye')
    expect(host.closed).toBe(true)
    expect(host.notifications).toEqual([{ message: 'Bye', options: {} }])
  })

  it('copies messages as plain data both ways, as Figma documents, and refuses what it cannot carry', async () => {
    const host = createFakeFigma({ manifest })
    host.figma.showUI('<p>ui</p>')
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      length() {
        return Math.hypot(this.x, this.y)
      }
    }
    const sent = { at: new Date(5), bytes: new Uint8Array([7]), point: new Point(3, 4), nothing: undefined, list: [1, 'two'] }
    host.figma.ui.postMessage(sent)
    sent.list.push(3)
    const [copy] = host.uiMessages as (typeof sent)[]
    // "functions and prototype chains of objects will not be sent": the Point arrives as its fields.
    expect(copy).toEqual({ at: new Date(5), bytes: new Uint8Array([7]), point: { x: 3, y: 4 }, nothing: undefined, list: [1, 'two'] })
    expect(Object.getPrototypeOf(copy.point)).toBe(Object.prototype)

    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const refused: [unknown, RegExp][] = [
      [['SET', new Map()], /the message\[1\] is a Map/],
      [['SET', { tags: new Set(['a']) }], /the message\[1\]\.tags is a Set/],
      [{ pattern: /x/ }, /the message\.pattern is a RegExp/],
      [{ big: 10n }, /the message\.big is a BigInt/],
      [{ callback: () => 1 }, /the message\.callback is a function/],
      [{ error: new Error('x') }, /the message\.error is a Error/],
      [cyclic, /contains itself/],
    ]
    for (const [message, reason] of refused) {
      expect(() => host.figma.ui.postMessage(message)).toThrow(reason)
      expect(() => host.sendToMain(message)).toThrow(reason)
    }
    expect(() => host.figma.ui.postMessage(new Map())).toThrow(/^figma\.ui\.postMessage: the message is a Map, which Figma does not carry/)

    const got: unknown[] = []
    host.figma.ui.onmessage = (message: unknown) => got.push(message)
    host.sendToMain(['SAVE', { when: new Date(1), bytes: new Uint8Array([1]) }])
    await host.flush()
    expect(got).toEqual([['SAVE', { when: new Date(1), bytes: new Uint8Array([1]) }]])
  })

  it('has no figma.ui without a UI, keeps the documented minimum size, and loses messages to a closed UI', async () => {
    const host = createFakeFigma({ manifest })
    const ui = host.figma.ui
    for (const call of [() => ui.resize(300, 300), () => ui.getPosition(), () => ui.reposition(0, 0), () => ui.show(), () => ui.hide()]) {
      expect(call).toThrow(/no UI is open \(call figma\.showUI first\)/)
    }
    expect(() => host.figma.showUI('<p>ui</p>', { width: 69, height: 100 })).toThrow(/minimum size is 70 × 0/)
    host.figma.showUI('<p>ui</p>', { width: 300, height: 400 })
    expect(ui.getPosition()).toEqual({ windowSpace: { x: 0, y: 0 }, canvasSpace: { x: 0, y: 0 } })
    expect(() => ui.resize(69, 400)).toThrow(/minimum size is 70 × 0, got 69 × 400/)
    expect(() => ui.resize(300, -1)).toThrow(/minimum size/)
    ui.resize(70, 0)
    expect(host.ui).toMatchObject({ width: 70, height: 0 })

    const got: unknown[] = []
    ui.onmessage = (message: unknown) => got.push(message)
    host.sendToMain('in flight')
    ui.close()
    await host.flush()
    expect(got).toEqual([])
    expect(() => ui.postMessage('x')).toThrow(/no UI is open/)
    expect(() => host.sendToMain('x')).toThrow(/no plugin UI is open/)
  })

  it('knows the plugin API’s event names; documentchange needs every page loaded under dynamic-page access', async () => {
    const host = createFakeFigma({ manifest })
    const figma = host.figma
    expect(() => figma.on('nodechange', () => {})).toThrow(/figma\.on: unknown event "nodechange"/)
    expect(() => figma.on('message', () => {})).toThrow(/unknown event "message"/)
    expect(() => figma.on('documentchange', () => {})).toThrow(/loadAllPagesAsync/)
    await figma.loadAllPagesAsync()
    figma.on('documentchange', () => {})
    const fired: string[] = []
    figma.on('selectionchange', () => fired.push('selectionchange'))
    figma.on('close', () => fired.push('close'))
    host.close()
    expect(fired).toEqual(['close'])
    // Without dynamic-page access the whole document is there from the start.
    createFakeFigma({ manifest: { ...manifest, documentAccess: undefined } }).figma.on('documentchange', () => {})
  })

  it('keeps other pages out of reach until they are loaded, under dynamic-page access', async () => {
    const document = new FakeDocument()
    const other = document.createPage('Archive')
    const { figma } = createFakeFigma({ manifest, document })
    const frame = figma.createFrame() // on the current page, which is loaded
    expect(figma.currentPage.children).toEqual([frame])
    expect(figma.root.children.map((page: FakePageNode) => page.name)).toEqual(['Page 1', 'Archive'])

    expect(() => other.children).toThrow(
      "in get_children: Cannot access property `children` on a page that has not been explicitly loaded. Remember to call `await page.loadAsync()` or `await figma.loadAllPagesAsync()' first.",
    )
    expect(() => other.appendChild(frame)).toThrow(/in appendChild: .*not been explicitly loaded/)
    expect(() => other.findAll()).toThrow(/in findAll: .*not been explicitly loaded/)
    expect(() => figma.root.findAll()).toThrow(/loadAllPagesAsync/)
    expect(() => figma.root.findAllWithCriteria({ types: ['FRAME'] })).toThrow(/loadAllPagesAsync/)

    await other.loadAsync()
    other.appendChild(frame)
    expect(other.children).toEqual([frame])
    expect(() => figma.root.findOne(() => true)).toThrow(/loadAllPagesAsync/) // one page loaded is not every page
    await figma.loadAllPagesAsync()
    expect(figma.root.findAll((node: { type: string }) => node.type === 'FRAME')).toEqual([frame])

    // A new run starts again with only its current page.
    const next = createFakeFigma({ manifest, document })
    expect(() => other.children).toThrow(/not been explicitly loaded/)
    await next.figma.setCurrentPageAsync(other)
    expect(next.figma.currentPage.children).toEqual([frame])
  })

  it('keeps the document’s children to pages, and children read-only', () => {
    const { figma } = createFakeFigma({ manifest })
    const frame = figma.createFrame()
    expect(() => figma.root.appendChild(frame)).toThrow(/document's children must be pages, not a FRAME/)
    expect(() => frame.appendChild(figma.currentPage)).toThrow(/a page cannot be a child/)
    const children = figma.currentPage.children
    expect(Object.isFrozen(children)).toBe(true)
    expect(figma.currentPage.children).not.toBe(children)
    expect(() => figma.currentPage.insertChild(5, figma.createFrame())).toThrow(/index 5 is out of range/)
  })

  it('validates the node properties the plugin sets, and hands paints back frozen', async () => {
    const { figma } = createFakeFigma({ manifest })
    const frame: FakeFrameNode = figma.createFrame()
    const set = (property: string, value: unknown) => () => {
      ;(frame as unknown as Record<string, unknown>)[property] = value
    }
    expect(set('layoutMode', 'COLUMN')).toThrow(
      `in set_layoutMode: Property "layoutMode" failed validation: Invalid enum value. Expected 'NONE' | 'HORIZONTAL' | 'VERTICAL' | 'GRID', received 'COLUMN'`,
    )
    expect(set('counterAxisAlignItems', 'STRETCH')).toThrow(/set_counterAxisAlignItems/)
    expect(set('primaryAxisSizingMode', 'HUG')).toThrow(/set_primaryAxisSizingMode/)
    expect(set('layoutAlign', 'FILL')).toThrow(/set_layoutAlign/)
    expect(set('layoutGrow', 0.5)).toThrow(/set_layoutGrow/)
    expect(set('strokeWeight', -1)).toThrow(/set_strokeWeight.*>= 0/)
    expect(set('cornerRadius', -2)).toThrow(/set_cornerRadius/)
    expect(set('paddingLeft', '8')).toThrow(/set_paddingLeft: Expected "paddingLeft" to have type number but got '8'/)
    expect(set('x', Number.NaN)).toThrow(/set_x/)
    expect(set('name', 42)).toThrow(/set_name/)
    expect(set('fills', { type: 'SOLID', color: { r: 1, g: 1, b: 1 } })).toThrow(/set_fills.*array of paints/)
    expect(set('fills', [{ type: 'SOLID', color: { r: 1, g: 1, b: 1, a: 0.5 } }])).toThrow(/fills\[0\]\.color has unrecognized keys 'a'/)
    expect(set('strokes', [{ type: 'SOLID', color: { r: 255, g: 0, b: 0 } }])).toThrow(
      /strokes\[0\]\.color\.r must be a number from 0 to 1/,
    )
    expect(set('fills', [{ type: 'SOLID', color: { r: 0, g: 0, b: 0 }, alpha: 1 }])).toThrow(/unrecognized keys 'alpha'/)
    expect(set('fills', [{ type: 'GRADIENT_LINEAR', gradientStops: [] }])).toThrow(/SOLID paints only/)

    frame.layoutMode = 'VERTICAL'
    frame.fills = [{ type: 'SOLID', color: { r: 0.5, g: 0.5, b: 0.5 }, opacity: 0.4 }]
    expect(frame.fills).toEqual([{ type: 'SOLID', color: { r: 0.5, g: 0.5, b: 0.5 }, opacity: 0.4 }])
    expect(Object.isFrozen(frame.fills) && Object.isFrozen(frame.fills[0]) && Object.isFrozen(frame.fills[0].color)).toBe(true)

    await figma.loadFontAsync({ family: 'Inter', style: 'Regular' })
    const text: FakeTextNode = figma.createText()
    expect(() => {
      text.fontSize = 0
    }).toThrow(/set_fontSize.*>= 1/)
    expect(() => {
      text.textAutoResize = 'AUTO' as never
    }).toThrow(/set_textAutoResize/)
  })

  it('throws errors of the plugin’s own realm, as Figma’s API does, so `instanceof Error` holds there', async () => {
    const realm = createHostRealm({})
    const host = createFakeFigma({ manifest, realmError: realm.Error })
    realm.global.figma = host.figma
    const error = realm.run(`
      const caught = []
      const check = (call) => { try { call() } catch (error) { caught.push(error instanceof Error && error.message.slice(0, 24)) } }
      check(() => figma.ui.postMessage('x'))
      check(() => { figma.createFrame().layoutMode = 'COLUMN' })
      check(() => figma.getNodeById('1:2'))
      figma.clientStorage.setAsync('', 1).catch((error) => {
        caught.push(error instanceof Error && error.message.slice(0, 24))
        globalThis.caught = caught
      })
    `)
    expect(error).toBeUndefined()
    await poll(() => realm.global.caught, 'the rejection')
    expect(realm.global.caught).toEqual([
      'figma.ui.postMessage: no',
      'in set_layoutMode: Prope',
      'Cannot call getNodeById ',
      'clientStorage.setAsync: ',
    ])
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

  it('makes sections: children placed relative to them, only on a page or in a section, resized without constraints', () => {
    const { figma } = createFakeFigma({ manifest, editorType: 'figjam' })
    const section: FakeSectionNode = figma.createSection()
    section.x = 100
    section.y = 50
    section.resizeWithoutConstraints(800, 600)
    expect([section.width, section.height]).toEqual([800, 600])
    expect(() => section.resizeWithoutConstraints(0, 10)).toThrow(/>= 0.01/)
    expect((section as unknown as { resize?: unknown }).resize).toBeUndefined()
    const frame: FakeFrameNode = figma.createFrame()
    section.appendChild(frame)
    frame.x = 10
    frame.y = 20
    expect(frame.absoluteBoundingBox).toEqual({ x: 110, y: 70, width: 100, height: 100 })
    expect(() => frame.appendChild(figma.createSection())).toThrow(/section can only be placed on a page or in another section/)
  })

  it('makes stickies in FigJam only, fixed in size, with an author and a text sublayer whose font must be loaded', async () => {
    expect(() => createFakeFigma({ manifest, editorType: 'figma' }).figma.createSticky()).toThrow(/only available in FigJam/)
    const { figma } = createFakeFigma({ manifest, editorType: 'figjam', currentUser: { id: 'u', name: 'Ada', photoUrl: null } })
    const sticky: FakeStickyNode = figma.createSticky()
    expect([sticky.width, sticky.height, sticky.authorName]).toEqual([240, 240, 'Ada'])
    expect((sticky as unknown as { resize?: unknown }).resize).toBeUndefined()
    expect(() => {
      sticky.text.characters = 'hi'
    }).toThrow(/unloaded font "Inter Medium"/)
    await figma.loadFontAsync(sticky.text.fontName)
    sticky.text.characters = 'hi'
    sticky.isWideWidth = true
    expect(snapshotNode(sticky)).toMatchObject({ type: 'STICKY', characters: 'hi', authorName: 'Ada', width: 416 })
    expect(() => figma.createFrame().appendChild(sticky)).toThrow(/stickies on a page or in a section only/)
  })

  it('keeps shared plugin data under a namespace of 3+ alphanumerics and finds nodes by it', () => {
    const { figma } = createFakeFigma({ manifest, editorType: 'figjam' })
    const section: FakeSectionNode = figma.createSection()
    section.setSharedPluginData('opsboard', 'docId', 'd-1')
    expect(section.getSharedPluginData('opsboard', 'docId')).toBe('d-1')
    expect(section.getSharedPluginDataKeys('opsboard')).toEqual(['docId'])
    expect(section.getPluginData('docId')).toBe('') // shared data is not plugin data
    expect(() => section.setSharedPluginData('op', 'k', 'v')).toThrow(/at least 3 alphanumeric/)
    expect(() => section.setSharedPluginData('ops-board', 'k', 'v')).toThrow(/at least 3 alphanumeric/)
    expect(() => section.setSharedPluginData('opsboard', 'big', 'x'.repeat(100_000))).toThrow(/cannot exceed 100 kB/)
    expect(
      figma.currentPage.findAllWithCriteria({ types: ['SECTION'], sharedPluginData: { namespace: 'opsboard', keys: ['docId'] } }),
    ).toEqual([section])
    expect(figma.currentPage.findAllWithCriteria({ sharedPluginData: { namespace: 'opsboard', keys: ['other'] } })).toEqual([])
  })

  it('reports document changes in batches after loadAllPagesAsync: created, changed, deleted, local or remote', async () => {
    const document = new FakeDocument()
    const { figma } = createFakeFigma({ manifest, editorType: 'figjam', document })
    expect(() => figma.on('documentchange', () => {})).toThrow(/loadAllPagesAsync/)
    await figma.loadAllPagesAsync()
    const events: { documentChanges: { type: string; id: string; origin: string; properties?: string[] }[] }[] = []
    figma.on('documentchange', (event: (typeof events)[number]) => events.push(event))
    const frame: FakeFrameNode = figma.createFrame()
    frame.x = 5 // in the same batch as its creation: reported as created only
    await poll(() => (events.length ? true : undefined), 'a documentchange')
    expect(events[0].documentChanges.map(({ type, id, origin }) => ({ type, id, origin }))).toEqual([
      { type: 'CREATE', id: frame.id, origin: 'LOCAL' },
    ])
    const sticky = document.placeSticky({ text: 'from a collaborator', authorName: 'Grace', x: 0, y: 0 })
    frame.y = 9
    await poll(() => (events.length > 1 ? true : undefined), 'a second documentchange')
    expect(events[1].documentChanges.map(({ type, origin, properties }) => ({ type, origin, properties }))).toEqual([
      { type: 'CREATE', origin: 'REMOTE', properties: undefined },
      { type: 'PROPERTY_CHANGE', origin: 'LOCAL', properties: ['y'] },
    ])
    sticky.remove()
    await poll(() => (events.length > 2 ? true : undefined), 'a third documentchange')
    expect(events[2].documentChanges.map(({ type, id }) => ({ type, id }))).toEqual([{ type: 'DELETE', id: sticky.id }])
  })

  it('puts a collaborator’s sticky in the section under its centre, placed relative to it', () => {
    const document = new FakeDocument()
    const { figma } = createFakeFigma({ manifest, editorType: 'figjam', document })
    const section: FakeSectionNode = figma.createSection()
    section.x = 1000
    section.resizeWithoutConstraints(500, 500)
    const inSection = document.placeSticky({ text: 'in', authorName: 'Grace', x: 1100, y: 100 })
    expect(inSection.parent).toBe(section)
    expect([inSection.x, inSection.y]).toEqual([100, 100])
    expect(inSection.absoluteBoundingBox).toEqual({ x: 1100, y: 100, width: 240, height: 240 })
    expect(document.placeSticky({ text: 'out', authorName: 'Grace', x: 0, y: 0 }).parent).toBe(document.currentPage)
  })
})
