/**
 * Comment threads of one document, placed on the document as it reads now: each thread finds its
 * anchor again by key (a requirement by its ID wherever it moved, a heading by its words) and its
 * quoted passage by text. A thread whose anchor is gone, or whose passage is no longer in the text,
 * is outdated: still listed, with the text it was about, never dropped.
 */
import type { SpecCommentRow } from '../../client/spec-comments.ts'
import { anchorAtLine, findAnchor, type SpecAnchor } from '../../../supabase/functions/_shared/spec/anchors.ts'

type OutdatedReason = 'anchor_gone' | 'passage_gone'

export interface SpecThread {
  root: SpecCommentRow
  replies: SpecCommentRow[]
  /** Where the thread sits in the current text; undefined for an outdated or whole-document thread. */
  anchor: SpecAnchor | undefined
  outdated: OutdatedReason | null
  resolved: boolean
}

export const THREAD_FILTERS = ['open', 'mine', 'mentions', 'all'] as const
export type ThreadFilter = (typeof THREAD_FILTERS)[number]

export const THREAD_FILTER_LABELS: Readonly<Record<ThreadFilter, string>> = {
  open: 'Open',
  mine: 'Mine',
  mentions: 'Mentions me',
  all: 'All',
}

/** The anchor key of the threads that discuss a run's proposed change to a document (not a place in its text). */
export const proposalAnchorKey = (proposalId: string) => `proposal:${proposalId}`
const isProposalThread = (root: SpecCommentRow) => root.anchor_key?.startsWith('proposal:') === true

function repliesByThread(comments: readonly SpecCommentRow[]): Map<string, SpecCommentRow[]> {
  const replies = new Map<string, SpecCommentRow[]>()
  for (const comment of comments) {
    if (comment.thread_id === null) continue
    replies.set(comment.thread_id, [...(replies.get(comment.thread_id) ?? []), comment])
  }
  return replies
}

/** The threads on one proposed change, oldest first. */
export function proposalThreads(comments: readonly SpecCommentRow[], proposalId: string): SpecThread[] {
  const replies = repliesByThread(comments)
  const key = proposalAnchorKey(proposalId)
  return comments
    .filter((comment) => comment.thread_id === null && comment.anchor_key === key)
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
    .map((root) => ({ root, replies: replies.get(root.id) ?? [], anchor: undefined, outdated: null, resolved: root.resolved_at !== null }))
}

/**
 * Threads in document order (then oldest first); outdated and whole-document ones after the rest.
 * Threads on a proposed change are the proposal's (see proposalThreads), not the text's.
 */
export function specThreads(comments: readonly SpecCommentRow[], source: string, anchors: readonly SpecAnchor[]): SpecThread[] {
  const replies = repliesByThread(comments)
  const lines = source.split(/\r\n|\r|\n/)
  const threads = comments
    .filter((comment) => comment.thread_id === null && !isProposalThread(comment))
    .map((root): SpecThread => {
      const placed = place(root, lines, anchors)
      return { root, replies: replies.get(root.id) ?? [], ...placed, resolved: root.resolved_at !== null }
    })
  const order = (thread: SpecThread) => (thread.anchor === undefined ? Number.MAX_SAFE_INTEGER : thread.anchor.line)
  return threads.sort((a, b) => order(a) - order(b) || a.root.created_at.localeCompare(b.root.created_at))
}

function place(root: SpecCommentRow, lines: readonly string[], anchors: readonly SpecAnchor[]) {
  const anchor = root.anchor_key === null ? undefined : findAnchor(anchors, root.anchor_key)
  if (root.anchor_key !== null && anchor === undefined) return { anchor: undefined, outdated: 'anchor_gone' as const }
  if (root.quote !== null) {
    const line = lineOf(root.quote, lines)
    if (line === undefined) return { anchor: undefined, outdated: 'passage_gone' as const }
    return { anchor: anchor ?? anchorAtLine(anchors, line), outdated: null }
  }
  return { anchor, outdated: null }
}

/** The 1-based line where a passage starts, comparing with whitespace collapsed; undefined if absent. */
function lineOf(quote: string, lines: readonly string[]): number | undefined {
  const wanted = collapse(quote)
  if (wanted === '') return undefined
  // The text with whitespace collapsed, and where each line starts in it.
  let text = ''
  const starts: Array<[offset: number, line: number]> = []
  lines.forEach((line, index) => {
    const words = collapse(line)
    if (words === '') return
    if (text !== '') text += ' '
    starts.push([text.length, index + 1])
    text += words
  })
  const at = text.indexOf(wanted)
  if (at < 0) return undefined
  let line = 1
  for (const [offset, number] of starts) {
    if (offset > at) break
    line = number
  }
  return line
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim()

/** Whether a thread passes the filter for `me`: mine = I started or replied; mentions = someone named me. */
export function threadMatches(thread: SpecThread, filter: ThreadFilter, me: string | null): boolean {
  const all = [thread.root, ...thread.replies]
  switch (filter) {
    case 'open':
      return !thread.resolved
    case 'mine':
      return me !== null && all.some((comment) => comment.author_id === me)
    case 'mentions':
      return me !== null && all.some((comment) => comment.mentions.includes(me))
    case 'all':
      return true
  }
}

export interface AnchorCount {
  /** Comments (first comments and replies) in open threads. */
  open: number
  /** Comments in every thread on the anchor, resolved ones too. */
  total: number
}

/** Comment counts per anchor key, of the threads that sit on an anchor now. */
export function anchorCounts(threads: readonly SpecThread[]): ReadonlyMap<string, AnchorCount> {
  const counts = new Map<string, AnchorCount>()
  for (const thread of threads) {
    if (thread.anchor === undefined) continue
    const size = 1 + thread.replies.length
    const was = counts.get(thread.anchor.key) ?? { open: 0, total: 0 }
    counts.set(thread.anchor.key, { open: was.open + (thread.resolved ? 0 : size), total: was.total + size })
  }
  return counts
}

export interface AnchoredBlock {
  /** The markdown of the block's lines. */
  markdown: string
  /** The anchor the block starts with; null for the lines before the first anchor. */
  anchor: SpecAnchor | null
}

/** The document cut at every anchor's first line, so each anchor's text can carry its count. */
export function anchoredBlocks(source: string, anchors: readonly SpecAnchor[]): AnchoredBlock[] {
  const lines = source.split(/\r\n|\r|\n/)
  const starts = new Map(anchors.map((anchor) => [anchor.line, anchor]))
  const blocks: AnchoredBlock[] = []
  let current: { lines: string[]; anchor: SpecAnchor | null } = { lines: [], anchor: null }
  lines.forEach((line, index) => {
    const anchor = starts.get(index + 1)
    if (anchor !== undefined) {
      if (current.lines.length > 0 || current.anchor !== null) blocks.push({ markdown: current.lines.join('\n'), anchor: current.anchor })
      current = { lines: [], anchor }
    }
    current.lines.push(line)
  })
  blocks.push({ markdown: current.lines.join('\n'), anchor: current.anchor })
  return blocks.filter((block) => block.anchor !== null || block.markdown.trim() !== '')
}
