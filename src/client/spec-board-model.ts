/**
 * What a Spec Kit document's section on the board shows, as the UI hands it to the plugin's main
 * thread (SPEC_BOARD_ADD / SPEC_BOARD_SYNC): the document and revision, its review state, its
 * identified anchors (requirements, criteria, tasks, stories) grouped under the heading they sit
 * in, in reading order, with their open comment counts, and the open comments to show as
 * stickies. Pure, so what the board says is tested without Figma or a database.
 */
import type { NewSpecComment } from './spec-comments.ts'
import { isIdentified, type AnchorKind, type SpecAnchor } from '../../supabase/functions/_shared/spec/anchors.ts'
import type { SpecReviewState } from '../../supabase/functions/_shared/vocabulary/index.ts'

type BoardAnchorKind = Exclude<AnchorKind, 'heading'>

export interface SpecBoardAnchor {
  key: string
  kind: BoardAnchorKind
  /** The ID as written (FR-003, T012, User Story 2). */
  id: string
  text: string
  openComments: number
}

interface SpecBoardGroup {
  /** The heading the anchors sit under ('' for anchors before any heading). */
  title: string
  anchors: SpecBoardAnchor[]
}

/** An open comment made in the plugin, shown as a sticky in its anchor's frame. */
export interface SpecBoardComment {
  id: string
  anchorKey: string
  body: string
  authorName: string
}

export interface SpecBoardData {
  docId: string
  title: string
  version: number
  review: { state: SpecReviewState; approvedVersion: number | null }
  groups: SpecBoardGroup[]
  comments: SpecBoardComment[]
}

/** A sticky someone put in an anchor's frame, offered to the person using the plugin as a comment. */
export interface SpecBoardSuggestion {
  stickyId: string
  docId: string
  anchorKey: string
  anchorText: string
  body: string
  /** The sticky's author as FigJam names them. */
  authorName: string
}

/** A comment as the board needs it (the spec_comments columns it reads). */
export interface BoardCommentRow {
  id: string
  thread_id: string | null
  anchor_key: string | null
  body: string
  author_id: string | null
  resolved_at: string | null
  source: unknown
}

/** Whether a comment came from a sticky on the board (its sticky is already there). */
function isStickyComment(row: Pick<BoardCommentRow, 'source'>): boolean {
  const source = row.source
  return typeof source === 'object' && source !== null && (source as { kind?: unknown }).kind === 'sticky'
}

/**
 * The board's view of a document: identified anchors grouped under their nearest heading, in
 * the document's order; open thread roots counted per anchor; those made in the plugin (not from
 * a sticky) listed to appear as stickies, with their author's name in the workspace.
 */
export function buildSpecBoardData(input: {
  doc: { id: string; title: string; version: number }
  anchors: readonly SpecAnchor[]
  review: { state: SpecReviewState; approvedVersion: number | null }
  comments: readonly BoardCommentRow[]
  names: ReadonlyMap<string, string>
}): SpecBoardData {
  const open = input.comments.filter((row) => row.thread_id === null && row.resolved_at === null && row.anchor_key !== null)
  const counts = new Map<string, number>()
  for (const row of open) counts.set(row.anchor_key!, (counts.get(row.anchor_key!) ?? 0) + 1)
  const headings = input.anchors.filter((anchor) => anchor.level !== null)
  const groups: SpecBoardGroup[] = []
  for (const anchor of input.anchors) {
    const { kind, id } = anchor
    if (!isIdentified(anchor) || kind === 'heading' || id === null) continue
    const title = enclosingHeading(headings, anchor)?.text ?? ''
    let group = groups[groups.length - 1]
    if (!group || group.title !== title) {
      group = { title, anchors: [] }
      groups.push(group)
    }
    group.anchors.push({ key: anchor.key, kind, id, text: anchor.text, openComments: counts.get(anchor.key) ?? 0 })
  }
  const keys = new Set(groups.flatMap((group) => group.anchors.map((anchor) => anchor.key)))
  return {
    docId: input.doc.id,
    title: input.doc.title,
    version: input.doc.version,
    review: input.review,
    groups,
    comments: open
      .filter((row) => keys.has(row.anchor_key!) && !isStickyComment(row))
      .map((row) => ({
        id: row.id,
        anchorKey: row.anchor_key!,
        body: row.body,
        authorName: (row.author_id === null ? undefined : input.names.get(row.author_id)) ?? 'A member',
      })),
  }
}

/** The innermost heading (other than the anchor itself) whose section holds the anchor. */
function enclosingHeading(headings: readonly SpecAnchor[], anchor: SpecAnchor): SpecAnchor | undefined {
  let best: SpecAnchor | undefined
  for (const heading of headings) {
    if (heading === anchor || heading.line >= anchor.line || anchor.line > heading.endLine) continue
    if (!best || heading.line > best.line) best = heading
  }
  return best
}

/** The comment that a confirmed sticky becomes: the member's, on its requirement, naming the sticky's author. */
export function stickyComment(suggestion: SpecBoardSuggestion, docVersion: number): NewSpecComment {
  return {
    docId: suggestion.docId,
    body: suggestion.body,
    docVersion,
    anchorKey: suggestion.anchorKey,
    anchorText: suggestion.anchorText,
    source: { kind: 'sticky', node_id: suggestion.stickyId, author_name: suggestion.authorName },
  }
}
