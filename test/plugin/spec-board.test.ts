/**
 * A Spec Kit document on the FigJam board, against the fake figma: the plugin's main thread (the
 * bundle of src/main.ts) drops a section titled with the document and revision, one frame per
 * requirement in reading order; adding again updates it; a sticky put in a frame becomes a
 * suggested comment, claimed so a second open plugin never offers it again; a plugin comment
 * becomes a sticky in its frame; a changed requirement says so; the relaunch button reopens the
 * plugin on the document.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { FakeDocument, snapshotNode, textsOf, type FakeFigmaHost, type NodeSnapshot } from '../../local/preview/fake-figma.ts'
import type { FakeFrameNode, FakeSectionNode, FakeStickyNode } from '../../local/preview/fake-nodes.ts'
import { parseAnchors } from '../../supabase/functions/_shared/spec/anchors.ts'
import {
  buildSpecBoardData,
  stickyComment,
  type BoardCommentRow,
  type SpecBoardData,
  type SpecBoardSuggestion,
} from '../../src/client/spec-board-model.ts'
import type { UiBootData } from '../../src/client/types.ts'
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

const NAMESPACE = 'opscontrolroom'

const SPEC = `# Checkout spec

## User Scenarios

### User Story 1 - Pay with a saved card (Priority: P1)

A returning buyer pays in one step.

## Requirements

- **FR-001**: The system MUST keep the cart for 30 days.
- **FR-002**: The system MUST show the total before payment.
- **FR-003**: The system MUST send a receipt by email.
- **FR-004**: The system MUST refuse an expired card.

## Success Criteria

- **SC-001**: 95% of payments finish in under 3 seconds.
`

const DOC = { id: '4a3c2b1d-0000-4000-8000-000000000001', title: 'Checkout spec', version: 3 }

function board(overrides: { content?: string; version?: number; comments?: BoardCommentRow[]; review?: SpecBoardData['review'] } = {}) {
  return buildSpecBoardData({
    doc: { ...DOC, version: overrides.version ?? DOC.version },
    anchors: parseAnchors(overrides.content ?? SPEC),
    review: overrides.review ?? { state: 'in_review', approvedVersion: null },
    comments: overrides.comments ?? [
      comment({ id: 'c-1', anchor_key: 'FR-002', body: 'Which currency?' }),
      comment({
        id: 'c-2',
        anchor_key: 'FR-002',
        body: 'Taxes included?',
        source: { kind: 'sticky', node_id: '1:99', author_name: 'Lin' },
      }),
      comment({ id: 'c-3', anchor_key: 'FR-002', body: 'resolved', resolved_at: '2025-01-01T00:00:00Z' }),
    ],
    names: new Map([['u-ada', 'Ada']]),
  })
}

function comment(fields: Partial<BoardCommentRow> & { id: string; anchor_key: string; body: string }): BoardCommentRow {
  return { thread_id: null, author_id: 'u-ada', resolved_at: null, source: null, ...fields }
}

const ada = { id: 'figma-ada', name: 'Ada', photoUrl: null, sessionId: 1 }
const lin = { id: 'figma-lin', name: 'Lin', photoUrl: null, sessionId: 2 }

async function addToBoard(plugin: RunningPlugin, data: SpecBoardData = board()) {
  const before = plugin.received('SPEC_BOARD_ADDED').length
  plugin.emit('SPEC_BOARD_ADD', data)
  await poll(() => (plugin.received('SPEC_BOARD_ADDED').length > before ? true : undefined), 'SPEC_BOARD_ADDED')
  const [, docId, sectionId, updated] = plugin.received('SPEC_BOARD_ADDED').at(-1)!
  const section = plugin.host.document.getNode(sectionId as string) as unknown as FakeSectionNode
  return { docId, section, updated }
}

const framesOf = (section: NodeSnapshot) => section.children.filter((node) => node.type === 'FRAME')
const frameFor = (section: FakeSectionNode, key: string) =>
  section.allChildren.find((node) => node.getSharedPluginData(NAMESPACE, 'anchorKey') === key) as unknown as FakeFrameNode

function centreOf(frame: FakeFrameNode) {
  const box = frame.absoluteBoundingBox
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

/** A collaborator drops a sticky with its centre on the frame's centre. */
function stickyInto(document: FakeDocument, frame: FakeFrameNode, text: string, authorName = 'Grace'): FakeStickyNode {
  const centre = centreOf(frame)
  return document.placeSticky({ text, authorName, x: centre.x - 120, y: centre.y - 120 })
}

function bootDataOf(host: FakeFigmaHost): UiBootData {
  const html = host.ui!.html
  const begin = html.indexOf('const __SHOW_UI_DATA__=') + 'const __SHOW_UI_DATA__='.length
  return JSON.parse(html.slice(begin, html.indexOf(`;${UI_HTML}`, begin)))
}

describe('the board model', () => {
  it('groups identified anchors under their heading in reading order, with open comment counts', () => {
    const data = board()
    expect(data.groups.map((group) => [group.title, group.anchors.map((anchor) => anchor.key)])).toEqual([
      ['User Scenarios', ['US-1']],
      ['Requirements', ['FR-001', 'FR-002', 'FR-003', 'FR-004']],
      ['Success Criteria', ['SC-001']],
    ])
    expect(data.groups[1].anchors[1]).toMatchObject({
      id: 'FR-002',
      text: 'The system MUST show the total before payment.',
      openComments: 2,
    })
    // Only the plugin's own open comment becomes a sticky (the sticky's comment has its sticky already).
    expect(data.comments).toEqual([{ id: 'c-1', anchorKey: 'FR-002', body: 'Which currency?', authorName: 'Ada' }])
  })

  it('makes a confirmed sticky the member’s comment that names the sticky’s author', () => {
    const suggestion: SpecBoardSuggestion = {
      stickyId: '1:40',
      docId: DOC.id,
      anchorKey: 'FR-002',
      anchorText: 'The system MUST show the total before payment.',
      body: 'Show it in the basket too',
      authorName: 'Grace',
    }
    expect(stickyComment(suggestion, 3)).toEqual({
      docId: DOC.id,
      body: 'Show it in the basket too',
      docVersion: 3,
      anchorKey: 'FR-002',
      anchorText: 'The system MUST show the total before payment.',
      source: { kind: 'sticky', node_id: '1:40', author_name: 'Grace' },
    })
  })
})

describe('a Spec Kit document on the board', () => {
  it('drops a section titled with the document and revision, one frame per requirement in reading order', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const { docId, section, updated } = await addToBoard(plugin)
    expect(docId).toBe(DOC.id)
    expect(updated).toBe(false)
    const snapshot = snapshotNode(section)
    expect(snapshot.type).toBe('SECTION')
    expect(snapshot.name).toBe('Checkout spec · revision 3')
    expect(section.parent).toBe(plugin.host.document.currentPage)
    expect(plugin.host.document.currentPage.selection).toEqual([section])

    const frames = framesOf(snapshot)
    expect(frames.map((frame) => frame.sharedPluginData[NAMESPACE].anchorKey)).toEqual([
      'US-1',
      'FR-001',
      'FR-002',
      'FR-003',
      'FR-004',
      'SC-001',
    ])
    const fr2 = textsOf(frames[2])
    expect(fr2).toContain('FR-002')
    expect(fr2).toContain('The system MUST show the total before payment.')
    expect(fr2).toContain('◔ In review')
    expect(fr2).toContain('2 open comments')
    expect(textsOf(frames[1])).toContain('No open comments')

    // Headings name the groups; rows are walked left to right, then top to bottom; groups follow each other down.
    const headings = snapshot.children.filter((node) => node.type === 'TEXT').map((node) => node.characters)
    expect(headings).toEqual(expect.arrayContaining(['User Scenarios', 'Requirements', 'Success Criteria']))
    const [us1, fr001, fr002, fr003, fr004, sc001] = frames
    expect(fr001.y).toBeGreaterThan(us1.y + us1.height)
    expect(fr002.y).toBe(fr001.y)
    expect(fr002.x).toBeGreaterThan(fr001.x + fr001.width)
    expect(fr003.x).toBeGreaterThan(fr002.x + fr002.width)
    expect(fr004.x).toBe(fr001.x) // the fourth starts a new row
    expect(fr004.y).toBeGreaterThan(Math.max(fr001.y + fr001.height, fr002.y + fr002.height, fr003.y + fr003.height))
    expect(sc001.y).toBeGreaterThan(fr004.y + fr004.height)
    // Sized to fit: every frame lies inside the section.
    for (const frame of frames) {
      expect(frame.x).toBeGreaterThan(0)
      expect(frame.y).toBeGreaterThan(0)
      expect(frame.x + frame.width).toBeLessThan(snapshot.width)
      expect(frame.y + frame.height).toBeLessThan(snapshot.height)
    }
    expect(snapshot.relaunchData).toEqual({ 'open-spec-doc': 'Checkout spec · revision 3' })
  })

  it('updates the section when added again instead of dropping another', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const first = await addToBoard(plugin)
    const content = SPEC.replace('- **FR-004**: The system MUST refuse an expired card.\n', '')
    const second = await addToBoard(plugin, board({ content, version: 4 }))
    expect(second.section).toBe(first.section)
    expect(second.updated).toBe(true)
    const page = plugin.host.document.currentPage
    expect(page.allChildren.filter((node) => node.type === 'SECTION')).toHaveLength(1)
    const snapshot = snapshotNode(second.section)
    expect(snapshot.name).toBe('Checkout spec · revision 4')
    expect(framesOf(snapshot).map((frame) => frame.sharedPluginData[NAMESPACE].anchorKey)).toEqual([
      'US-1',
      'FR-001',
      'FR-002',
      'FR-003',
      'SC-001',
    ])
  })

  it('updates a changed requirement’s frame and says “changed since review”', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const { section } = await addToBoard(plugin, board({ review: { state: 'approved', approvedVersion: 3 } }))
    expect(textsOf(snapshotNode(frameFor(section, 'FR-002') as never))).toContain('✓ Approved')

    const content = SPEC.replace('show the total before payment', 'show the total, taxes included, before payment')
    await addToBoard(plugin, board({ content, version: 4, review: { state: 'changed_since_approval', approvedVersion: 3 } }))
    const changed = textsOf(snapshotNode(frameFor(section, 'FR-002')))
    expect(changed).toContain('The system MUST show the total, taxes included, before payment.')
    expect(changed).toContain('△ Changed since review')
    // An untouched requirement is still the one approved.
    expect(textsOf(snapshotNode(frameFor(section, 'FR-001') as never))).toContain('✓ Approved')
  })

  it('shows a comment made in the plugin as a sticky in its requirement’s frame, once, never offered back', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const { section } = await addToBoard(plugin)
    const frame = frameFor(section, 'FR-002')
    const commentStickies = () =>
      section.allChildren.filter(
        (node) => node.type === 'STICKY' && node.getSharedPluginData(NAMESPACE, 'sticky') !== '',
      ) as unknown as FakeStickyNode[]
    const stickies = commentStickies()
    expect(stickies).toHaveLength(1)
    expect(stickies[0].text.characters).toBe('Which currency?\n— Ada')
    // The text names the comment's author; the sticky's own author (whoever's plugin drew it) is hidden.
    expect(stickies[0].authorVisible).toBe(false)
    expect(JSON.parse(stickies[0].getSharedPluginData(NAMESPACE, 'sticky'))).toMatchObject({
      state: 'comment',
      commentId: 'c-1',
      anchorKey: 'FR-002',
    })
    const box = frame.absoluteBoundingBox
    const stickyBox = stickies[0].absoluteBoundingBox
    expect(stickyBox.x).toBeGreaterThanOrEqual(box.x)
    expect(stickyBox.x + stickyBox.width).toBeLessThanOrEqual(box.x + box.width)
    expect(stickyBox.y).toBeGreaterThan(box.y)
    expect(stickyBox.y + stickyBox.height).toBeLessThanOrEqual(box.y + box.height)

    await addToBoard(plugin)
    expect(commentStickies()).toHaveLength(1)
    expect(commentStickies()[0].absoluteBoundingBox).toEqual(stickyBox)
    // Resolved, its sticky goes.
    await addToBoard(plugin, board({ comments: [] }))
    expect(commentStickies()).toEqual([])
    await plugin.host.flush()
    expect(plugin.received('SPEC_BOARD_SUGGESTION')).toEqual([])
  })

  it('offers a sticky put in a requirement’s frame as a comment, marks it, and a second plugin never offers it again', async () => {
    const document = new FakeDocument('Board')
    const a = await start({ editorType: 'figjam', currentUser: ada, document })
    const { section } = await addToBoard(a)
    const b = await start({ editorType: 'figjam', currentUser: lin, document })
    b.emit('SPEC_BOARD_SYNC', board())
    await b.waitFor('SPEC_BOARD_SYNCED')

    const sticky = stickyInto(document, frameFor(section, 'FR-003'), 'Also by SMS?')
    document.placeSticky({ text: 'Not in any frame', authorName: 'Grace', x: -2000, y: -2000 })
    const [, suggestion] = await a.waitFor('SPEC_BOARD_SUGGESTION')
    expect(suggestion).toEqual({
      stickyId: sticky.id,
      docId: DOC.id,
      anchorKey: 'FR-003',
      anchorText: 'The system MUST send a receipt by email.',
      body: 'Also by SMS?',
      authorName: 'Grace',
    })
    expect(JSON.parse(sticky.getSharedPluginData(NAMESPACE, 'sticky'))).toMatchObject({ state: 'suggested', by: 'figma-ada:1' })
    await b.host.flush()
    await a.host.flush()
    expect(a.received('SPEC_BOARD_SUGGESTION')).toHaveLength(1)
    expect(b.received('SPEC_BOARD_SUGGESTION')).toEqual([])

    // A plugin opened later skips it too.
    const c = await start({ editorType: 'figjam', currentUser: { ...lin, sessionId: 3 }, document })
    c.emit('SPEC_BOARD_SYNC', board())
    await c.waitFor('SPEC_BOARD_SYNCED')
    expect(c.received('SPEC_BOARD_SUGGESTION')).toEqual([])

    // Opening the document again offers Ada the sticky she holds once more (her window shows the open document's only).
    a.emit('SPEC_BOARD_SYNC', board())
    await poll(() => (a.received('SPEC_BOARD_SUGGESTION').length === 2 ? true : undefined), 'the sticky offered again')
    expect(a.received('SPEC_BOARD_SUGGESTION')[1][1]).toEqual(suggestion)

    // Ada confirms: the sticky is marked as converted into her comment.
    a.emit('SPEC_BOARD_RESOLVE', sticky.id, 'c-9')
    expect(await a.waitFor('SPEC_BOARD_RESOLVED')).toEqual(['SPEC_BOARD_RESOLVED', sticky.id, 'converted'])
    expect(JSON.parse(sticky.getSharedPluginData(NAMESPACE, 'sticky'))).toMatchObject({ state: 'converted', commentId: 'c-9' })
  })

  it('waits for an empty sticky’s text before offering it', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const { section } = await addToBoard(plugin)
    const sticky = stickyInto(plugin.host.document, frameFor(section, 'FR-001'), '')
    await plugin.host.flush()
    expect(plugin.received('SPEC_BOARD_SUGGESTION')).toEqual([])
    expect(sticky.getSharedPluginData(NAMESPACE, 'sticky')).toBe('')
    await plugin.host.figma.loadFontAsync(sticky.text.fontName)
    plugin.host.document.asCollaborator(() => {
      sticky.text.characters = 'Thirty days is too long'
    })
    const [, suggestion] = await plugin.waitFor('SPEC_BOARD_SUGGESTION')
    expect(suggestion).toMatchObject({ anchorKey: 'FR-001', body: 'Thirty days is too long' })
  })

  it('says whether a document has a section on the page', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    plugin.emit('SPEC_BOARD_FIND', DOC.id)
    expect(await plugin.waitFor('SPEC_BOARD_FOUND')).toEqual(['SPEC_BOARD_FOUND', DOC.id, null])
    const { section } = await addToBoard(plugin)
    plugin.emit('SPEC_BOARD_FIND', DOC.id)
    expect(await plugin.waitFor('SPEC_BOARD_FOUND', ([, id]) => id !== null)).toEqual(['SPEC_BOARD_FOUND', DOC.id, section.id])
  })

  it('offers a sticky moved into a frame later', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const { section } = await addToBoard(plugin)
    const sticky = plugin.host.document.placeSticky({ text: 'Per card or per account?', authorName: 'Grace', x: -3000, y: -3000 })
    await plugin.host.flush()
    expect(plugin.received('SPEC_BOARD_SUGGESTION')).toEqual([])
    const centre = centreOf(frameFor(section, 'FR-004'))
    plugin.host.document.asCollaborator(() => {
      sticky.x = centre.x - 120
      sticky.y = centre.y - 120
    })
    const [, suggestion] = await plugin.waitFor('SPEC_BOARD_SUGGESTION')
    expect(suggestion).toMatchObject({ stickyId: sticky.id, anchorKey: 'FR-004', body: 'Per card or per account?' })
  })

  it('reopens the plugin on the document from the section’s relaunch button', async () => {
    const first = await start({ editorType: 'figjam', currentUser: ada })
    const { section } = await addToBoard(first)
    first.stop()
    const document = first.host.document
    document.currentPage.selection = [section]
    const relaunched = await start({ editorType: 'figjam', document, command: 'open-spec-doc' })
    expect(bootDataOf(relaunched.host).openSpecDocId).toBe(DOC.id)
    // A frame inside the section works too; a normal run opens on no document.
    document.currentPage.selection = [frameFor(section, 'FR-001')]
    expect(bootDataOf((await start({ editorType: 'figjam', document, command: 'open-spec-doc' })).host).openSpecDocId).toBe(DOC.id)
    expect(bootDataOf((await start({ editorType: 'figjam', document })).host).openSpecDocId).toBeNull()
  })

  it('refuses a malformed board with a clear error', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    plugin.emit('SPEC_BOARD_ADD', { docId: 'x', title: '<b>hi</b>', groups: 'nope' })
    const [, message] = await plugin.waitFor('MAIN_ERROR')
    expect(message).toMatch(/^Could not add the document to the board: /)
    const oversized = board()
    oversized.groups[1].anchors[0].text = 'x'.repeat(10_001)
    plugin.emit('SPEC_BOARD_ADD', oversized)
    await poll(() => (plugin.received('MAIN_ERROR').length > 1 ? true : undefined), 'a second MAIN_ERROR')
    expect(plugin.received('MAIN_ERROR')[1][1]).toMatch(/text of at most 10000 characters/)
    expect(plugin.host.document.currentPage.allChildren.filter((node) => node.type === 'SECTION')).toEqual([])
  })

  it('shows hostile text as text', async () => {
    const plugin = await start({ editorType: 'figjam', currentUser: ada })
    const hostile = '<img src=x onerror=alert(1)> ${{ secrets.TOKEN }}'
    const content = SPEC.replace('send a receipt by email', hostile)
    const { section } = await addToBoard(plugin, board({ content }))
    expect(textsOf(snapshotNode(frameFor(section, 'FR-003') as never))).toContain(`The system MUST ${hostile}.`)
  })
})
