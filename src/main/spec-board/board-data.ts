/**
 * Checks what the UI sends for a document's section (SPEC_BOARD_ADD / SPEC_BOARD_SYNC) before
 * anything is drawn: a message is data from another realm, so its shape, sizes and words are
 * checked here and a malformed one is refused with a sentence that says what is wrong.
 */
import type { SpecBoardData } from '../../client/spec-board-model.ts'
import { isRecord } from '../../is-record.ts'
import { isSpecReviewState } from '../../../supabase/functions/_shared/vocabulary/index.ts'

const KINDS = ['requirement', 'criterion', 'task', 'story']
const MAX_ANCHORS = 500
const MAX_COMMENTS = 1000
const MAX_TEXT = 10_000
const MAX_SHORT = 300

const shortText = (value: unknown) => typeof value === 'string' && value.length <= MAX_SHORT
const longText = (value: unknown) => typeof value === 'string' && value.length <= MAX_TEXT
const count = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0

function isAnchor(value: unknown): boolean {
  return (
    isRecord(value) &&
    shortText(value.key) &&
    value.key !== '' &&
    typeof value.kind === 'string' &&
    KINDS.includes(value.kind) &&
    shortText(value.id) &&
    longText(value.text) &&
    count(value.openComments)
  )
}

function isComment(value: unknown): boolean {
  return isRecord(value) && shortText(value.id) && shortText(value.anchorKey) && longText(value.body) && shortText(value.authorName)
}

/** Null when `value` is a board the main thread can draw, else what is wrong with it. */
function boardProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'a board must be an object'
  if (!shortText(value.docId) || value.docId === '') return 'a board needs its document id'
  if (!shortText(value.title)) return `a board needs the document's title (at most ${MAX_SHORT} characters)`
  if (typeof value.version !== 'number' || !count(value.version) || value.version < 1)
    return 'a board needs the revision (a whole number from 1)'
  const review = value.review
  if (!isRecord(review) || !isSpecReviewState(review.state) || !(review.approvedVersion === null || count(review.approvedVersion))) {
    return 'a board needs its review state (not_requested, in_review, approved, changes_requested or changed_since_approval) and approved revision or null'
  }
  if (!Array.isArray(value.groups)) return 'a board needs its groups of anchors'
  let anchors = 0
  for (const group of value.groups) {
    if (!isRecord(group) || !shortText(group.title) || !Array.isArray(group.anchors) || !group.anchors.every(isAnchor)) {
      return `each group needs a title and anchors (key, kind ${KINDS.join('/')}, id, text of at most ${MAX_TEXT} characters, openComments)`
    }
    anchors += group.anchors.length
  }
  if (anchors > MAX_ANCHORS) return `a board holds at most ${MAX_ANCHORS} anchors, got ${anchors}`
  if (!Array.isArray(value.comments) || value.comments.length > MAX_COMMENTS || !value.comments.every(isComment)) {
    return `a board's comments must be a list of at most ${MAX_COMMENTS} (id, anchorKey, body, authorName)`
  }
  return null
}

export function assertBoard(value: unknown): asserts value is SpecBoardData {
  const problem = boardProblem(value)
  if (problem) throw new Error(problem)
}
