/**
 * A Spec Kit document's section on the board: a SectionNode titled "<title> · revision N" holding
 * one frame per identified anchor (requirement, criterion, task, story) with its ID, text, review
 * state and open comment count, grouped under their headings in rows a team walks left to
 * right, top to bottom, and sized to fit. The section, its frames and the stickies the plugin
 * makes carry shared plugin data (SHARED_NAMESPACE), so adding the document again updates its
 * section, and every open plugin knows which stickies are comments already.
 *
 * A frame remembers the text it was placed with (or last approved with): when the requirement's
 * text differs, the frame says "changed since review".
 */
import type { SpecBoardAnchor, SpecBoardComment, SpecBoardData } from '../../client/spec-board-model.ts'
import { ANCHOR_KIND_LABELS, SPEC_REVIEW_VIEWS, type SpecReviewState } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { OPEN_SPEC_DOC_COMMAND, SHARED_NAMESPACE } from '../config.ts'
import { truncateText } from '../plugin-data.ts'
import { isRecord } from '../../is-record.ts'

/** Shared plugin data keys. */
export const BOARD_KEYS = {
  /** On the section: the document it shows. */
  docId: 'docId',
  /** On a frame: its anchor. */
  anchorKey: 'anchorKey',
  /** On a frame: the text it was placed or approved with. */
  baseline: 'baseline',
  /** On a frame: "approved" when the baseline is an approved text. */
  baselineState: 'baselineState',
  /** On a sticky: what the plugin did with it (sticky-marks.ts). */
  sticky: 'sticky',
} as const

const FRAME_WIDTH = 528
const COLUMNS = 3
const GAP = 32
const PADDING = 48
const INSET = 16
const STICKY = 240

const REGULAR: FontName = { family: 'Inter', style: 'Regular' }
const BOLD: FontName = { family: 'Inter', style: 'Bold' }

const hex = (value: string): RGB => ({
  r: parseInt(value.slice(1, 3), 16) / 255,
  g: parseInt(value.slice(3, 5), 16) / 255,
  b: parseInt(value.slice(5, 7), 16) / 255,
})
const TEXT = hex('#1E1E1E')
const MUTED = hex('#6B6B6B')

const shared = (node: BaseNode, key: string) => node.getSharedPluginData(SHARED_NAMESPACE, key)
const setShared = (node: BaseNode, key: string, value: string) => node.setSharedPluginData(SHARED_NAMESPACE, key, value)

const sectionTitle = (board: Pick<SpecBoardData, 'title' | 'version'>) =>
  `${truncateText(board.title || 'Untitled document', 200)} · revision ${board.version}`

/** The document's section on the current page, if it has one. */
export function findSection(docId: string): SectionNode | null {
  const sections = figma.currentPage.findAllWithCriteria({
    types: ['SECTION'],
    sharedPluginData: { namespace: SHARED_NAMESPACE, keys: [BOARD_KEYS.docId] },
  })
  return sections.find((section) => shared(section, BOARD_KEYS.docId) === docId) ?? null
}

/** The anchor frames of a section, by anchor key. */
export function anchorFrames(section: SectionNode): Map<string, FrameNode> {
  const frames = new Map<string, FrameNode>()
  for (const child of section.children) {
    if (child.type !== 'FRAME') continue
    const key = shared(child, BOARD_KEYS.anchorKey)
    if (key) frames.set(key, child)
  }
  return frames
}

function text(characters: string, font: FontName, size: number, color: RGB, name: string): TextNode {
  const node = figma.createText()
  node.name = name
  node.fontName = font
  node.fontSize = size
  node.characters = characters
  node.fills = [{ type: 'SOLID', color }]
  return node
}

function autoRow(name: string): FrameNode {
  const frame = figma.createFrame()
  frame.name = name
  frame.layoutMode = 'HORIZONTAL'
  frame.primaryAxisSizingMode = 'AUTO'
  frame.counterAxisSizingMode = 'AUTO'
  frame.counterAxisAlignItems = 'CENTER'
  frame.itemSpacing = 8
  frame.fills = []
  return frame
}

/** The state a frame shows: "changed since review" when its text moved on from its baseline. */
function frameState(frame: FrameNode, anchor: SpecBoardAnchor, state: SpecReviewState): SpecReviewState {
  let baseline = shared(frame, BOARD_KEYS.baseline) || anchor.text
  let baselineState = shared(frame, BOARD_KEYS.baselineState)
  if (state === 'approved') {
    baseline = anchor.text
    baselineState = 'approved'
  }
  setShared(frame, BOARD_KEYS.baseline, baseline)
  setShared(frame, BOARD_KEYS.baselineState, baselineState)
  if (baseline !== anchor.text) return 'changed_since_approval'
  // The document changed since its approval, but not this requirement (when the frame knows its approved text).
  if (state === 'changed_since_approval' && baselineState === 'approved') return 'approved'
  return state
}

/** The anchor's text without its ID when it starts with it ("User Story 2 - Cancel a run" under "User Story 2"). */
const shownText = (anchor: SpecBoardAnchor) =>
  anchor.text.startsWith(anchor.id) ? anchor.text.slice(anchor.id.length).replace(/^\s*[-–—:.]\s*/, '') : anchor.text

const commentCount = (n: number) => (n === 0 ? 'No open comments' : n === 1 ? '1 open comment' : `${n} open comments`)

/** The frame's card: ID and kind, state, text, comment count (auto layout, hugging its height). */
function drawCard(anchor: SpecBoardAnchor, state: SpecReviewState): FrameNode {
  const view = SPEC_REVIEW_VIEWS[state]
  const card = figma.createFrame()
  card.name = 'Card'
  card.resize(FRAME_WIDTH - 2 * INSET, 1)
  card.layoutMode = 'VERTICAL'
  card.primaryAxisSizingMode = 'AUTO'
  card.counterAxisSizingMode = 'FIXED'
  card.itemSpacing = 8
  card.fills = []

  const header = autoRow('Header')
  header.appendChild(text(anchor.id, BOLD, 16, TEXT, 'ID'))
  header.appendChild(text(ANCHOR_KIND_LABELS[anchor.kind], REGULAR, 11, MUTED, 'Kind'))
  const pill = autoRow('Review state')
  pill.paddingLeft = pill.paddingRight = 8
  pill.paddingTop = pill.paddingBottom = 3
  pill.cornerRadius = 10
  pill.fills = [{ type: 'SOLID', color: hex(view.fill) }]
  pill.appendChild(text(`${view.symbol} ${view.label}`, BOLD, 11, hex(view.text), 'Review state label'))
  header.appendChild(pill)
  card.appendChild(header)

  const body = text(truncateText(shownText(anchor) || '(no text)', 600), REGULAR, 14, TEXT, 'Text')
  card.appendChild(body)
  body.layoutAlign = 'STRETCH'
  body.textAutoResize = 'HEIGHT'
  card.appendChild(text(commentCount(anchor.openComments), REGULAR, 11, MUTED, 'Open comments'))
  return card
}

/** What the plugin wrote on a sticky (stickies.ts): its state and, for some states, who claimed it and which comment it is. */
export interface StickyMark {
  state: string
  commentId?: string
  by?: string
  [key: string]: unknown
}

export function readMark(node: BaseNode): StickyMark | null {
  const raw = shared(node, BOARD_KEYS.sticky)
  if (!raw) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return { state: 'unknown' }
  }
  if (!isRecord(parsed) || typeof parsed.state !== 'string') return { state: 'unknown' }
  return {
    ...parsed,
    state: parsed.state,
    commentId: typeof parsed.commentId === 'string' ? parsed.commentId : undefined,
    by: typeof parsed.by === 'string' ? parsed.by : undefined,
  }
}

const stickyText = (comment: SpecBoardComment) => `${truncateText(comment.body, 500)}\n— ${truncateText(comment.authorName, 80)}`

/**
 * The plugin's comment stickies in the section, by anchor: one per open comment made in the
 * plugin (FigJam only); stickies of resolved comments or vanished anchors are taken away. They
 * are the section's children, laid over their anchor's frame (FigJam puts stickies in sections;
 * whether a frame may hold one is not documented).
 */
function syncCommentStickies(section: SectionNode, board: SpecBoardData, anchorKeys: ReadonlySet<string>): Map<string, StickyNode[]> {
  const wanted = new Map(board.comments.filter((comment) => anchorKeys.has(comment.anchorKey)).map((comment) => [comment.id, comment]))
  const byAnchor = new Map<string, StickyNode[]>()
  const keep = (anchorKey: string, sticky: StickyNode) => byAnchor.set(anchorKey, [...(byAnchor.get(anchorKey) ?? []), sticky])
  for (const child of section.children) {
    if (child.type !== 'STICKY') continue
    const mark = readMark(child)
    if (mark?.state !== 'comment') continue
    const comment = mark.commentId ? wanted.get(mark.commentId) : undefined
    if (!comment) {
      child.remove()
      continue
    }
    if (child.text.characters !== stickyText(comment)) child.text.characters = stickyText(comment)
    wanted.delete(comment.id)
    keep(comment.anchorKey, child)
  }
  if (figma.editorType !== 'figjam') return byAnchor
  for (const comment of wanted.values()) {
    const sticky = figma.createSticky()
    section.appendChild(sticky)
    // Marked first: the plugin's own sticky is never offered back as a suggestion.
    setShared(sticky, BOARD_KEYS.sticky, JSON.stringify({ state: 'comment', commentId: comment.id, anchorKey: comment.anchorKey }))
    sticky.text.characters = stickyText(comment)
    // Its text names the comment's author; the sticky's own author would be whoever's plugin drew it.
    sticky.authorVisible = false
    keep(comment.anchorKey, sticky)
  }
  return byAnchor
}

/**
 * Redraws an anchor's frame (keeping the node and its baseline), with room below its card for
 * `stickies` comment stickies, and sizes it to fit. Returns where the sticky area starts.
 */
function drawFrame(frame: FrameNode, anchor: SpecBoardAnchor, board: SpecBoardData, stickies: number): number {
  for (const child of frame.children) child.remove()
  const state = frameState(frame, anchor, board.review.state)
  const view = SPEC_REVIEW_VIEWS[state]
  frame.name = `${anchor.id} · ${ANCHOR_KIND_LABELS[anchor.kind]}`
  frame.layoutMode = 'NONE'
  frame.cornerRadius = 12
  frame.fills = [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]
  frame.strokes = [{ type: 'SOLID', color: hex(view.accent) }]
  frame.strokeWeight = 2
  frame.clipsContent = false

  const card = drawCard(anchor, state)
  frame.appendChild(card)
  card.x = INSET
  card.y = INSET
  const stickyTop = INSET + card.height + INSET
  let y = stickyTop
  if (stickies === 0) {
    const hint = text(`Put a sticky here to comment on ${anchor.id}`, REGULAR, 11, MUTED, 'Sticky hint')
    frame.appendChild(hint)
    hint.x = INSET
    hint.y = y
    y += Math.max(hint.height, 64) + INSET
  } else {
    y += Math.ceil(stickies / 2) * (STICKY + INSET)
  }
  frame.resize(FRAME_WIDTH, y)
  return stickyTop
}

async function loadFonts(): Promise<void> {
  const fonts = [figma.loadFontAsync(REGULAR), figma.loadFontAsync(BOLD)]
  // A sticky's own font, for the stickies that show plugin comments.
  if (figma.editorType === 'figjam') fonts.push(figma.loadFontAsync({ family: 'Inter', style: 'Medium' }))
  await Promise.all(fonts)
}

/**
 * Draws the document's section: updates the one on the page (found by its shared plugin data)
 * or, with `create`, drops a new one at the centre of the viewport. Returns the section and
 * whether it was there already; null when there is none and `create` is false.
 */
export async function drawSection(board: SpecBoardData, create: boolean): Promise<{ section: SectionNode; updated: boolean } | null> {
  const existing = findSection(board.docId)
  if (!existing && !create) return null
  await loadFonts()
  const section = existing ?? figma.createSection()
  section.name = sectionTitle(board)
  section.fills = [{ type: 'SOLID', color: hex('#F5F5F5') }]
  setShared(section, BOARD_KEYS.docId, board.docId)
  section.setRelaunchData({ [OPEN_SPEC_DOC_COMMAND]: sectionTitle(board) })

  for (const child of section.children) if (child.type === 'TEXT' && child.name.startsWith('Board · ')) child.remove()
  const frames = anchorFrames(section)
  const wanted = new Set(board.groups.flatMap((group) => group.anchors.map((anchor) => anchor.key)))
  for (const [key, frame] of frames) {
    if (!wanted.has(key)) {
      frame.remove()
      frames.delete(key)
    }
  }
  const stickies = syncCommentStickies(section, board, wanted)

  const docState = SPEC_REVIEW_VIEWS[board.review.state]
  const title = text(`${sectionTitle(board)} · ${docState.symbol} ${docState.label}`, BOLD, 24, TEXT, 'Board · title')
  section.appendChild(title)
  title.x = PADDING
  title.y = PADDING
  let y = PADDING + title.height + 24
  let width = title.width
  for (const group of board.groups) {
    if (group.title) {
      const heading = text(truncateText(group.title, 200), BOLD, 18, TEXT, 'Board · heading')
      section.appendChild(heading)
      heading.x = PADDING
      heading.y = y
      y += heading.height + 16
      width = Math.max(width, heading.width)
    }
    for (let start = 0; start < group.anchors.length; start += COLUMNS) {
      let rowHeight = 0
      group.anchors.slice(start, start + COLUMNS).forEach((anchor, column) => {
        let frame = frames.get(anchor.key)
        if (!frame) {
          frame = figma.createFrame()
          setShared(frame, BOARD_KEYS.anchorKey, anchor.key)
          frames.set(anchor.key, frame)
        }
        // Appended in reading order, so the layers panel reads as the board does; its stickies over it.
        section.appendChild(frame)
        const own = stickies.get(anchor.key) ?? []
        const stickyTop = drawFrame(frame, anchor, board, own.length)
        frame.x = PADDING + column * (FRAME_WIDTH + GAP)
        frame.y = y
        own.forEach((sticky, index) => {
          section.appendChild(sticky)
          sticky.x = frame.x + INSET + (index % 2) * (STICKY + INSET)
          sticky.y = frame.y + stickyTop + Math.floor(index / 2) * (STICKY + INSET)
        })
        rowHeight = Math.max(rowHeight, frame.height)
        width = Math.max(width, (column + 1) * FRAME_WIDTH + column * GAP)
      })
      y += rowHeight + GAP
    }
    y += 24
  }
  section.resizeWithoutConstraints(Math.ceil(width + 2 * PADDING), Math.ceil(y - GAP - 24 + PADDING))
  if (!existing) {
    const centre = figma.viewport.center
    section.x = Math.round(centre.x - section.width / 2)
    section.y = Math.round(centre.y - section.height / 2)
  }
  return { section, updated: existing !== null }
}
