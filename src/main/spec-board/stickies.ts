/**
 * Stickies people put in a requirement's frame, while the plugin is open on that page: each one
 * becomes a suggested comment on that requirement for the person using the plugin to confirm.
 *
 * A sticky is claimed before it is offered: the plugin writes its mark (shared plugin data, so
 * every open copy of the plugin reads it) and offers the sticky only if the mark it reads back is
 * its own. A sticky another plugin claimed, one already converted or dismissed, and the stickies
 * the plugin made for its own comments are skipped. "Inside a frame" is geometric (the sticky's
 * centre within the frame's absolute bounds), since FigJam parents a dropped sticky to the
 * section, not to a frame.
 */
import { emit } from '@create-figma-plugin/utilities'
import type { SpecBoardData, SpecBoardSuggestion } from '../../client/spec-board-model.ts'
import type { SpecBoardSuggestionHandler } from '../../messages.ts'
import { SHARED_NAMESPACE } from '../config.ts'
import { truncateText } from '../plugin-data.ts'
import { anchorFrames, BOARD_KEYS, findSection, readMark } from './section.ts'

/** The boards the UI has shown this plugin run, by document id (the latest data of each). */
const boards = new Map<string, SpecBoardData>()
/** Stickies offered in this run, with their document (offered once, and again when the document is opened again). */
const offered = new Map<string, string>()
let watching: Promise<void> | null = null

/** Who claims a sticky: this person in this session (two windows of one person are two plugins). */
function claimant(): string {
  try {
    const user = figma.currentUser
    if (user) return `${user.id ?? 'anonymous'}:${user.sessionId}`
  } catch {
    // Without the currentuser permission: this run alone.
  }
  return `run:${runId}`
}
const runId = Math.random().toString(36).slice(2)

interface Box {
  x: number
  y: number
  width: number
  height: number
}

const centreOf = (box: Box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 })
const inside = (box: Box, point: { x: number; y: number }) =>
  point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height

/** The document and anchor whose frame holds the sticky's centre, if any. */
function frameUnder(sticky: StickyNode): { board: SpecBoardData; anchorKey: string; anchorText: string } | null {
  const box = sticky.absoluteBoundingBox
  if (!box) return null
  const centre = centreOf(box)
  for (const board of boards.values()) {
    const section = findSection(board.docId)
    if (!section) continue
    for (const [anchorKey, frame] of anchorFrames(section)) {
      const frameBox = frame.absoluteBoundingBox
      if (!frameBox || !inside(frameBox, centre)) continue
      const anchor = board.groups.flatMap((group) => group.anchors).find((candidate) => candidate.key === anchorKey)
      if (anchor) return { board, anchorKey, anchorText: anchor.text }
    }
  }
  return null
}

/** Offers the sticky as a comment if it lies in a frame, has text and nobody claimed it. */
function consider(sticky: StickyNode): void {
  if (sticky.removed) return
  const me = claimant()
  const mark = readMark(sticky)
  if (mark !== null && !(mark.state === 'suggested' && mark.by === me)) return
  const body = sticky.text.characters.trim()
  if (!body) return // a sticky just put down: offered once someone wrote on it
  const target = frameUnder(sticky)
  if (!target) return
  if (mark === null) {
    sticky.setSharedPluginData(
      SHARED_NAMESPACE,
      BOARD_KEYS.sticky,
      JSON.stringify({ state: 'suggested', by: me, docId: target.board.docId, anchorKey: target.anchorKey }),
    )
    // Check-and-mark: another plugin may have written its mark in between.
    if (readMark(sticky)?.by !== me) return
  }
  if (offered.has(sticky.id)) return
  offered.set(sticky.id, target.board.docId)
  const suggestion: SpecBoardSuggestion = {
    stickyId: sticky.id,
    docId: target.board.docId,
    anchorKey: target.anchorKey,
    anchorText: target.anchorText,
    body: truncateText(body, 10_000),
    authorName: sticky.authorName || 'Someone',
  }
  emit<SpecBoardSuggestionHandler>('SPEC_BOARD_SUGGESTION', suggestion)
}

/** Every sticky on the current page (a sticky may sit on the page, in a section or in a frame). */
function considerPage(): void {
  for (const node of figma.currentPage.findAllWithCriteria({ types: ['STICKY'] })) consider(node)
}

function onDocumentChange(event: DocumentChangeEvent): void {
  if (boards.size === 0) return
  const seen = new Set<string>()
  for (const change of event.documentChanges) {
    if (change.type !== 'CREATE' && change.type !== 'PROPERTY_CHANGE') continue
    const node = change.node
    if (node.removed || node.type !== 'STICKY' || seen.has(node.id)) continue
    seen.add(node.id)
    consider(node)
  }
}

/**
 * Remembers the document's board and watches the page for stickies (documentchange needs every
 * page loaded under dynamic-page access); the stickies already in its frames are considered now.
 */
export async function watchStickies(board: SpecBoardData): Promise<void> {
  boards.set(board.docId, board)
  // The UI shows the suggestions of the open document only: the ones this plugin holds for it are offered again.
  for (const [stickyId, docId] of offered) if (docId === board.docId) offered.delete(stickyId)
  if (figma.editorType !== 'figjam') return
  watching ??= figma.loadAllPagesAsync().then(() => figma.on('documentchange', onDocumentChange))
  await watching
  considerPage()
}

/** The UI confirmed (with the new comment's id) or dismissed a suggestion: the sticky is marked for good. */
export async function resolveSuggestion(stickyId: string, commentId: string | null): Promise<'converted' | 'dismissed' | 'taken'> {
  if (typeof stickyId !== 'string' || !(commentId === null || typeof commentId === 'string')) {
    throw new Error('a suggestion is resolved with the sticky id and the new comment id (or null to dismiss)')
  }
  const node = await figma.getNodeByIdAsync(stickyId)
  if (!node || node.type !== 'STICKY') throw new Error('the sticky is no longer on the board')
  const mark = readMark(node)
  if (mark?.state !== 'suggested' || mark.by !== claimant()) return 'taken'
  const state = commentId === null ? 'dismissed' : 'converted'
  node.setSharedPluginData(SHARED_NAMESPACE, BOARD_KEYS.sticky, JSON.stringify({ ...mark, state, commentId, by: claimant() }))
  return state
}
