/**
 * Run summary cards on the canvas. A card is an auto-layout frame (frames and text exist in both
 * Figma and FigJam) with the run's status colour, title, environment, start and finish times and
 * summary. It carries the run id in plugin data and relaunch data for the "Open run" button, which
 * reopens the plugin on that run. The document keeps an index run id → card node ids, so a
 * finished run can update its cards wherever they are (getNodeByIdAsync loads their pages).
 */
import type { SummaryCardData } from '../client/types.ts'
import {
  formatUtcDateTime,
  isRunStatus,
  OUTCOME_VIEWS,
  RUN_OUTCOMES,
  statusView,
  type StatusView,
} from '../../supabase/functions/_shared/vocabulary/index.ts'
import { OPEN_RUN_COMMAND, PLUGIN_DATA } from './config.ts'
import { fitText, PLUGIN_DATA_ENTRY_LIMIT_BYTES, truncateText, utf8ByteLength } from './plugin-data.ts'
import { isRecord } from '../is-record.ts'

const CARD_WIDTH = 320

const REGULAR: FontName = { family: 'Inter', style: 'Regular' }
const BOLD: FontName = { family: 'Inter', style: 'Bold' }

const hex = (value: string): RGB => ({
  r: parseInt(value.slice(1, 3), 16) / 255,
  g: parseInt(value.slice(3, 5), 16) / 255,
  b: parseInt(value.slice(5, 7), 16) / 255,
})

const TEXT = hex('#1E1E1E')
const MUTED = hex('#6B6B6B')

/** Identifiers and timestamps are short; only the free texts (title, env, template, summary) are cut to fit. */
const MAX_ID_CHARS = 100

function isSummaryCardData(card: unknown): card is SummaryCardData {
  if (!isRecord(card)) return false
  const optionalString = (key: string) => card[key] === null || card[key] === undefined || typeof card[key] === 'string'
  const short = (key: string) => typeof card[key] !== 'string' || card[key].length <= MAX_ID_CHARS
  return (
    typeof card.runId === 'string' &&
    card.runId !== '' &&
    short('runId') &&
    short('startedAt') &&
    short('finishedAt') &&
    typeof card.title === 'string' &&
    typeof card.env === 'string' &&
    isRunStatus(card.status) &&
    (card.outcome === undefined || card.outcome === null || (RUN_OUTCOMES as readonly unknown[]).includes(card.outcome)) &&
    optionalString('templateSlug') &&
    optionalString('startedAt') &&
    optionalString('finishedAt') &&
    optionalString('summary')
  )
}

export function cardProblem(value: unknown): string | null {
  return isSummaryCardData(value)
    ? null
    : 'a summary card needs runId, title, env, a status (queued, running, waiting_approval, success, error or canceled) and optional outcome (success, dry_run, error or canceled), templateSlug, startedAt, finishedAt and summary ' +
        `(runId, startedAt and finishedAt of at most ${MAX_ID_CHARS} characters)`
}

/**
 * The card as its plugin data keeps it, within one entry's limit (plugin id, key and JSON value
 * together): the short texts kept to a few hundred characters, and the summary, which can be a
 * whole error log, cut to what is left. Cut texts end with the truncated mark.
 */
function storedCardData(card: SummaryCardData, pluginId: string): SummaryCardData {
  const budget = PLUGIN_DATA_ENTRY_LIMIT_BYTES - utf8ByteLength(pluginId) - utf8ByteLength(PLUGIN_DATA.card)
  const fits = (candidate: SummaryCardData) => utf8ByteLength(JSON.stringify(candidate)) <= budget
  const short: SummaryCardData = {
    ...card,
    title: truncateText(card.title, 1000),
    env: truncateText(card.env, 200),
    templateSlug: card.templateSlug === null ? null : truncateText(card.templateSlug, 200),
  }
  const { summary } = short
  if (typeof summary !== 'string') return short
  return { ...short, summary: fitText(summary, (text) => fits({ ...short, summary: text })) }
}

/** The texts a card shows, top to bottom (also what tests and the preview read back). */
export function cardTexts(card: SummaryCardData): {
  status: string
  env: string
  title: string
  times: string
  summary: string | null
  footer: string
} {
  const started = formatUtcDateTime(card.startedAt)
  let finished = formatUtcDateTime(card.finishedAt)
  // Same day: the finish time alone is enough.
  if (started && finished && started.slice(0, 10) === finished.slice(0, 10)) finished = finished.slice(11)
  const times = started
    ? `Started ${started}${finished ? ` · Finished ${finished}` : ''}`
    : finished
      ? `Finished ${finished}`
      : 'Not started yet'
  return {
    status: badgeOf(card).label,
    env: truncateText(card.env, 60),
    title: truncateText(card.title || 'Untitled run', 200),
    times,
    summary: card.summary ? truncateText(card.summary, 280) : null,
    footer: `${truncateText(card.templateSlug ?? 'run', 60)} · ${card.runId.slice(0, 8)}`,
  }
}

function relaunchDescription(card: SummaryCardData): string {
  return truncateText(`${card.title} (${card.env}) · ${badgeOf(card).label}`, 300)
}

/** The card's badge: its outcome once the run finished (a dry run is not a plain success), else its status. */
function badgeOf(card: SummaryCardData): StatusView {
  return card.outcome ? OUTCOME_VIEWS[card.outcome] : statusView(card.status)
}

/** The card's colours (#RRGGBB): its outline in the status colour, the status badge's fill and text. */
export function cardColors(card: SummaryCardData): { outline: string; badgeFill: string; badgeText: string } {
  const view = badgeOf(card)
  return { outline: view.accent, badgeFill: view.fill, badgeText: view.text }
}

async function loadFonts(): Promise<void> {
  await Promise.all([figma.loadFontAsync(REGULAR), figma.loadFontAsync(BOLD)])
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

function row(name: string): FrameNode {
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

/** Fills `frame` with the card's content (replacing what was there). Fonts must be loaded. */
function drawCard(frame: FrameNode, run: SummaryCardData): void {
  for (const child of [...frame.children]) child.remove()
  // Drawn from what is stored, so the canvas never shows more than the card's data holds.
  const card = storedCardData(run, figma.pluginId ?? '')
  const texts = cardTexts(card)
  const colors = cardColors(card)

  frame.name = `Run · ${texts.title}`
  // Width first (a hugging frame with no children is 0 high, and resize refuses 0).
  frame.resize(CARD_WIDTH, Math.max(1, frame.height))
  frame.layoutMode = 'VERTICAL'
  frame.primaryAxisSizingMode = 'AUTO'
  frame.counterAxisSizingMode = 'FIXED'
  frame.itemSpacing = 8
  frame.paddingTop = frame.paddingBottom = 16
  frame.paddingLeft = frame.paddingRight = 16
  frame.cornerRadius = 12
  frame.fills = [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]
  frame.strokes = [{ type: 'SOLID', color: hex(colors.outline) }]
  frame.strokeWeight = 2

  const header = row('Header')
  const pill = row('Status')
  pill.paddingLeft = pill.paddingRight = 8
  pill.paddingTop = pill.paddingBottom = 3
  pill.cornerRadius = 10
  pill.fills = [{ type: 'SOLID', color: hex(colors.badgeFill) }]
  pill.appendChild(text(texts.status, BOLD, 11, hex(colors.badgeText), 'Status label'))
  header.appendChild(pill)
  header.appendChild(text(texts.env, REGULAR, 11, MUTED, 'Environment'))
  frame.appendChild(header)

  const title = text(texts.title, BOLD, 16, TEXT, 'Title')
  frame.appendChild(title)
  title.layoutAlign = 'STRETCH'
  title.textAutoResize = 'HEIGHT'

  frame.appendChild(text(texts.times, REGULAR, 11, MUTED, 'Times'))
  if (texts.summary) {
    const summary = text(texts.summary, REGULAR, 12, TEXT, 'Summary')
    frame.appendChild(summary)
    summary.layoutAlign = 'STRETCH'
    summary.textAutoResize = 'HEIGHT'
  }
  frame.appendChild(text(texts.footer, REGULAR, 10, MUTED, 'Footer'))

  frame.setPluginData(PLUGIN_DATA.runId, card.runId)
  frame.setPluginData(PLUGIN_DATA.card, JSON.stringify(card))
  frame.setRelaunchData({ [OPEN_RUN_COMMAND]: relaunchDescription(card) })
}

/** Drops a new card for the run at the centre of the viewport, selects it, and returns it. */
export async function addSummaryCard(card: SummaryCardData): Promise<FrameNode> {
  await loadFonts()
  const frame = figma.createFrame()
  drawCard(frame, card)
  const page = figma.currentPage
  page.appendChild(frame)
  const center = figma.viewport.center
  let x = Math.round(center.x - frame.width / 2)
  let y = Math.round(center.y - frame.height / 2)
  // Cards dropped one after another fan out instead of hiding each other.
  const taken = (px: number, py: number) => page.children.some((node) => node !== frame && node.x === px && node.y === py)
  for (let i = 0; i < 50 && taken(x, y); i++) {
    x += 24
    y += 24
  }
  frame.x = x
  frame.y = y
  page.selection = [frame]
  rememberCard(card.runId, frame.id)
  return frame
}

/**
 * The run's card already on the board, if any: redrawn with `card` (it may say more by now),
 * brought into view on its page and selected. Null when the run has no card left.
 */
export async function showExistingCard(card: SummaryCardData): Promise<FrameNode | null> {
  for (const id of readIndex()[card.runId] ?? []) {
    const node = await figma.getNodeByIdAsync(id)
    if (!node || node.removed || node.type !== 'FRAME' || node.getPluginData(PLUGIN_DATA.runId) !== card.runId) continue
    await loadFonts()
    drawCard(node, card)
    const page = pageOf(node)
    if (page !== null && page !== figma.currentPage) await figma.setCurrentPageAsync(page)
    figma.currentPage.selection = [node]
    figma.viewport.scrollAndZoomIntoView([node])
    return node
  }
  return null
}

function pageOf(node: BaseNode): PageNode | null {
  let current: BaseNode | null = node
  while (current !== null && current.type !== 'PAGE') current = current.parent
  return current
}

/** Redraws every known card of the run (e.g. when it finished). Returns how many were updated. */
export async function updateSummaryCards(card: SummaryCardData): Promise<number> {
  const index = readIndex()
  const ids = index[card.runId] ?? []
  if (ids.length === 0) return 0
  await loadFonts()
  const alive: string[] = []
  for (const id of ids) {
    const node = await figma.getNodeByIdAsync(id)
    if (!node || node.removed || node.type !== 'FRAME' || node.getPluginData(PLUGIN_DATA.runId) !== card.runId) continue
    drawCard(node, card)
    alive.push(id)
  }
  writeIndex({ ...index, [card.runId]: alive })
  return alive.length
}

/** The run id of a card among the given nodes (a card, or anything inside one). */
export function runIdOf(nodes: readonly BaseNode[]): string | null {
  for (const start of nodes) {
    for (let node: BaseNode | null = start; node && node.type !== 'PAGE' && node.type !== 'DOCUMENT'; node = node.parent) {
      const runId = node.getPluginData(PLUGIN_DATA.runId)
      if (runId) return runId
    }
  }
  return null
}

// ---- the document's card index ---------------------------------------------------------------

/** Runs remembered in the index; older ones are dropped (their cards still relaunch). */
const MAX_INDEXED_RUNS = 300

type CardIndex = Record<string, string[]>

/** The index as stored; an entry that is not a list of node ids (a damaged or foreign value) is left out. */
function readIndex(): CardIndex {
  const raw = figma.root.getPluginData(PLUGIN_DATA.cardIndex)
  if (!raw) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return {}
  }
  if (!isRecord(parsed)) return {}
  const index: CardIndex = {}
  for (const [runId, ids] of Object.entries(parsed)) {
    if (Array.isArray(ids) && ids.every((id): id is string => typeof id === 'string')) index[runId] = ids
  }
  return index
}

function writeIndex(index: CardIndex): void {
  const entries = Object.keys(index).filter((runId) => index[runId].length > 0)
  const kept = entries.slice(Math.max(0, entries.length - MAX_INDEXED_RUNS))
  const next: CardIndex = {}
  for (const runId of kept) next[runId] = index[runId]
  figma.root.setPluginData(PLUGIN_DATA.cardIndex, JSON.stringify(next))
}

function rememberCard(runId: string, nodeId: string): void {
  const index = readIndex()
  const ids = (index[runId] ?? []).filter((id) => id !== nodeId)
  delete index[runId] // re-insert last: the most recent runs are kept when the index is trimmed
  index[runId] = [...ids, nodeId]
  writeIndex(index)
}
