/**
 * Task checkboxes in a Spec Kit document (`- [ ] do this`): the Nth checkbox the preview renders
 * is the Nth task item the block parser finds, walking blocks in the order the renderer does.
 * The parser records where each item's `[ ]` is in the source, so a click flips exactly it.
 */
import { parseBlocks, type Block } from './markdown/blocks.ts'

export interface TaskItem {
  /** Position among the document's task items, as rendered. */
  index: number
  /** Offset in the (newline-normalised) source of the character between the brackets. */
  offset: number
  checked: boolean
  /** The item's first line without its marker, for labelling the checkbox. */
  text: string
}

/** Markdown sources are compared and edited with \n line ends, as the parser sees them. */
export function normalizeNewlines(source: string): string {
  return source.replace(/\r\n?/g, '\n')
}

export function taskItems(source: string): TaskItem[] {
  return tasksOf(parseBlocks(normalizeNewlines(source)))
}

/** For callers that render the same blocks, so both walk one tree, in the order it is rendered. */
export function tasksOf(blocks: readonly Block[], items: TaskItem[] = []): TaskItem[] {
  // Blocks nest at most the parser's MAX_DEPTH deep, so this recursion is bounded.
  for (const block of blocks) {
    if (block.kind === 'quote') tasksOf(block.blocks, items)
    if (block.kind !== 'list') continue
    for (const item of block.items) {
      if (item.task !== null) items.push({ index: items.length, ...item.task })
      tasksOf(item.blocks, items)
    }
  }
  return items
}

/**
 * The source with task `index` checked or unchecked (toggled when `checked` is not given), or
 * null when there is no such task (the text changed since it was rendered).
 */
export function toggleTask(source: string, index: number, checked?: boolean): string | null {
  const text = normalizeNewlines(source)
  const task = taskItems(text).find((item) => item.index === index)
  if (task === undefined) return null
  const next = checked ?? !task.checked
  return text.slice(0, task.offset) + (next ? 'x' : ' ') + text.slice(task.offset + 1)
}
