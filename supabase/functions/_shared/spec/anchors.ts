// Anchors: the places in a Spec Kit document that a comment, a review note or a board frame
// can point at. A requirement (FR-001), a success criterion (SC-001), a task (T001) and a user
// story (User Story 3) are found again after any edit by their ID; any other heading by its
// text. Only the line that *defines* an ID makes an anchor, never a line that mentions it.

export type AnchorKind = 'requirement' | 'criterion' | 'task' | 'story' | 'heading'

export interface SpecAnchor {
  /** Stable key stored with comments: `FR-003`, `SC-001`, `T012`, `US-2`, `h:edge-cases`. A
   *  repeated definition gets `~2`, `~3`… so every anchor of one document has its own key. */
  readonly key: string
  readonly kind: AnchorKind
  /** The ID as written (`FR-003`, `T012`, `User Story 2`); null for a plain heading. */
  readonly id: string | null
  /** The anchor's text without markdown emphasis: the requirement's sentence, the task's
   *  description, the heading's words. */
  readonly text: string
  /** 1-based first and last line of the anchor in the document (a heading spans its section). */
  readonly line: number
  readonly endLine: number
  /** Heading level (1–6), or null for a list item. */
  readonly level: number | null
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/
const FENCE = /^\s*(```|~~~)/
const LIST_ITEM = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/
const CHECKBOX = /^\[[ xX]\]\s+/
const REQUIREMENT_ID = /^(?:\*\*|__)?((?:FR|SC)-\d{1,4})(?:\*\*|__)?\s*[:.\-–—]?\s*(?:\*\*|__)?\s*/
const TASK_ID = /^(T\d{3,4})\b\s*/
const STORY = /^User Story\s+(\d{1,3})\b/i

/** Parses every anchor of a markdown document, in reading order. */
export function parseAnchors(markdown: string): SpecAnchor[] {
  const lines = markdown.split(/\r\n|\r|\n/)
  const drafts: Array<{
    key: string
    kind: AnchorKind
    id: string | null
    text: string
    line: number
    endLine: number
    level: number | null
  }> = []
  const openHeadings: number[] = []
  let inFence = false
  let item: { draft: number; indent: number } | null = null

  const closeHeadingsFrom = (level: number, lastLine: number) => {
    while (openHeadings.length > 0) {
      const index = openHeadings[openHeadings.length - 1]
      if ((drafts[index].level ?? 0) < level) break
      drafts[index].endLine = lastLine
      openHeadings.pop()
    }
  }

  lines.forEach((raw, index) => {
    const lineNo = index + 1
    if (FENCE.test(raw)) {
      inFence = !inFence
      item = null
      return
    }
    if (inFence) return
    const heading = HEADING.exec(raw)
    if (heading) {
      item = null
      const level = heading[1].length
      closeHeadingsFrom(level, lineNo - 1)
      const text = plain(heading[2])
      const story = STORY.exec(text)
      const requirement = REQUIREMENT_ID.exec(heading[2])
      const task = TASK_ID.exec(text)
      const [kind, id, key] = story
        ? (['story', `User Story ${story[1]}`, `US-${story[1]}`] as const)
        : requirement
          ? ([kindOf(requirement[1]), requirement[1], requirement[1]] as const)
          : task
            ? (['task', task[1], task[1]] as const)
            : (['heading', null, headingKey(text)] as const)
      drafts.push({ key, kind, id, text, line: lineNo, endLine: lines.length, level })
      openHeadings.push(drafts.length - 1)
      return
    }
    const listItem = LIST_ITEM.exec(raw)
    if (listItem) {
      item = null
      const body = listItem[2].replace(CHECKBOX, '')
      const requirement = REQUIREMENT_ID.exec(body)
      const task = requirement ? null : TASK_ID.exec(body)
      const match = requirement ?? task
      if (match) {
        const id = match[1]
        drafts.push({ key: id, kind: kindOf(id), id, text: plain(body.slice(match[0].length)), line: lineNo, endLine: lineNo, level: null })
        item = { draft: drafts.length - 1, indent: listItem[1].length }
      }
      return
    }
    // A continuation line (indented, not blank) belongs to the list item above it.
    if (item && raw.trim() !== '' && /^\s+/.test(raw) && raw.length - raw.trimStart().length > item.indent) {
      const draft = drafts[item.draft]
      draft.text = `${draft.text} ${plain(raw.trim())}`.trim()
      draft.endLine = lineNo
      return
    }
    if (raw.trim() === '') return
    item = null
  })
  closeHeadingsFrom(1, lines.length)

  const seen = new Map<string, number>()
  return drafts.map((draft) => {
    const count = (seen.get(draft.key) ?? 0) + 1
    seen.set(draft.key, count)
    return { ...draft, key: count === 1 ? draft.key : `${draft.key}~${count}` }
  })
}

/** The key of a plain heading: its words, lower-cased, joined by hyphens. */
export function headingKey(text: string): string {
  const slug = plain(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
  return `h:${slug.slice(0, 120)}`
}

/** Finds an anchor again by its key; undefined means the anchor is gone (its comments are outdated). */
export function findAnchor(anchors: readonly SpecAnchor[], key: string): SpecAnchor | undefined {
  return anchors.find((anchor) => anchor.key === key)
}

/** The anchor whose lines hold the given 1-based line: the innermost one (a list item before its heading). */
export function anchorAtLine(anchors: readonly SpecAnchor[], line: number): SpecAnchor | undefined {
  let best: SpecAnchor | undefined
  for (const anchor of anchors) {
    if (line < anchor.line || line > anchor.endLine) continue
    if (!best || anchor.endLine - anchor.line <= best.endLine - best.line) best = anchor
  }
  return best
}

/** Anchors that a reviewer walks: requirements, criteria, tasks and stories (not plain headings). */
export function isIdentified(anchor: SpecAnchor): boolean {
  return anchor.kind !== 'heading'
}

function kindOf(id: string): AnchorKind {
  if (id.startsWith('FR-')) return 'requirement'
  if (id.startsWith('SC-')) return 'criterion'
  return 'task'
}

/** Markdown emphasis, code ticks and link syntax removed; whitespace collapsed. */
function plain(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}
