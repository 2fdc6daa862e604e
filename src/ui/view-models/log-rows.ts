/**
 * The log viewer's rows: events grouped by phase, then by step within a phase, flattened into
 * one list of fixed-height rows (group headers and lines) that the virtual list renders.
 *
 * A run's log only grows at its end while it runs, and may be a million lines long, so nothing
 * here is rebuilt per batch of new lines, and nothing holds a row object per line (the lines are
 * read from the stream's EventStore, a set of columns):
 * - `LogIndex` keeps, per line, its level and its groups in typed arrays, and per group its first
 *   and latest line and how many lines of each level it holds. New lines extend it (the groups
 *   they join are always the last ones); only a different log (older lines put in front, another
 *   run) groups it again.
 * - `LogRows` is the list of rows for one level filter and set of collapsed groups, kept as one
 *   integer per row (a line's index, or a group's id). New lines only ever add rows at its end,
 *   so it extends in place too; a row's object (`LogRow`) is made only for the rows on screen.
 * Changing the filter or collapsing a group builds the list again: one pass over integers.
 */
import type { EventLevel, EventRow } from '../../client/types.ts'
import { EventStore } from '../../client/event-store.ts'
import { grown } from '../../client/grown.ts'
import { EVENT_LEVELS, phaseLabel, type StepStatus } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { levelRank } from './log-levels.ts'

export type LogRow =
  | { kind: 'phase'; key: string; phase: string; label: string; count: number; collapsed: boolean; worst: EventLevel | null }
  | {
      kind: 'step'
      key: string
      stepId: string
      label: string
      count: number
      collapsed: boolean
      worst: EventLevel | null
      /** Times of the step's first and latest line (of any level): how long it has taken so far. */
      span: { from: string; to: string }
      /** The step's status as the run records it (a step the run was canceled in reads canceled); null when unknown. */
      status: StepStatus | null
    }
  | { kind: 'event'; key: string; event: EventRow; depth: 0 | 1 | 2 }

export interface FlattenOptions {
  minLevel: EventLevel
  /** Keys of collapsed groups. */
  collapsed: ReadonlySet<string>
  /** Step titles by step id, from the run's plan. */
  stepTitles?: ReadonlyMap<string, string>
  /** Step statuses by step id, from the run's step results. */
  stepStatuses?: ReadonlyMap<string, StepStatus>
}

/** What the run's plan and step results say of its steps. */
interface StepFacts {
  titles: ReadonlyMap<string, string> | undefined
  statuses: ReadonlyMap<string, StepStatus> | undefined
}

interface Group {
  kind: 'phase' | 'step'
  /** The group's first seq: it stays put as new lines arrive. */
  key: string
  /** The phase, or the step's id. */
  name: string
  /** An earlier group of this phase exists: the run was handed back or resumed, and continues it. */
  resumed: boolean
  /** Indexes of the group's first and latest line. */
  first: number
  last: number
  /** Lines of the group (a phase's own and its steps') by level rank. */
  counts: number[]
}

const LEVEL_COUNT = EVENT_LEVELS.length

/**
 * Consecutive events of one phase form a phase group, and consecutive events of one step inside
 * it a step group. A group's key is its first seq, so it stays put as new lines arrive.
 * Lines with no phase (the executor claiming the run) stand on their own.
 */
export class LogIndex {
  private grouping = new Grouping()
  /** Changes when the log was grouped again rather than extended (older lines in front, another log). */
  generation = 0
  private rowsCache: { builder: RowBuilder; snapshot: LogRows; steps: StepFacts } | null = null

  /** The lines the index is over (the store last given to `update`). */
  get events(): EventStore {
    return this.grouping.events
  }

  /** Lines read so far (the store may have grown since). */
  get size(): number {
    return this.grouping.size
  }

  /**
   * Takes the log as it is now. When it is the same store, grown at its end, only the new lines
   * are read; another store (older lines put in front, another run) is grouped again.
   */
  update(events: EventStore): void {
    if (events === this.grouping.events && events.count === this.grouping.size) return
    if (!this.grouping.extendedBy(events)) {
      this.grouping = new Grouping()
      this.generation++
      this.rowsCache = null
    }
    this.grouping.extend(events)
  }

  /** The index of the line with this seq, or -1 when it is not loaded. */
  indexOfSeq(seq: number): number {
    return this.grouping.indexOfSeq(seq)
  }

  /** The line at an index passes the level filter. */
  passes(index: number, minLevel: EventLevel): boolean {
    return this.grouping.passes(index, minLevel)
  }

  /** Keys of the groups around an event, so search can open them to show a match. */
  groupKeysOfSeq(seq: number): string[] {
    return this.grouping.groupKeysOfSeq(seq)
  }

  /**
   * The rows to show: lines under the level filter, headers of groups that keep a line. The same
   * list object comes back while nothing changed; new lines extend the list made for the same
   * filter and collapsed groups.
   */
  rows({ minLevel, collapsed, stepTitles, stepStatuses }: FlattenOptions): LogRows {
    const steps: StepFacts = { titles: stepTitles, statuses: stepStatuses }
    const cached = this.rowsCache
    let builder: RowBuilder
    if (cached !== null && cached.builder.minRank === levelRank(minLevel) && cached.builder.collapsed === collapsed) {
      builder = cached.builder
      if (builder.scanned === this.grouping.size && cached.steps.titles === stepTitles && cached.steps.statuses === stepStatuses)
        return cached.snapshot
    } else {
      builder = new RowBuilder(this.grouping, levelRank(minLevel), collapsed)
    }
    builder.extend(this.grouping.size)
    const snapshot = new LogRows(this.grouping, builder, builder.codes, builder.length, minLevel, steps)
    this.rowsCache = { builder, snapshot, steps }
    return snapshot
  }
}

/**
 * One grouping of one log, extended as lines arrive at its end. A log that changes otherwise
 * (older lines in front, another run) gets a new one, so row lists made over this one stay valid.
 */
class Grouping {
  events = new EventStore('')
  size = 0
  private levels = new Uint8Array(0)
  private phaseOf = new Int32Array(0)
  private stepOf = new Int32Array(0)
  private readonly groups: Group[] = []
  private readonly groupIds = new Map<string, number>()
  private phase = -1
  private step = -1
  private readonly seen = new Set<string>()

  /** The same log with lines added at its end: a store only grows at its end. */
  extendedBy(events: EventStore): boolean {
    return this.size === 0 || events === this.events
  }

  /** Reads the lines after those already read. */
  extend(events: EventStore): void {
    this.events = events
    this.levels = grown(this.levels, events.count, (n) => new Uint8Array(n))
    this.phaseOf = grown(this.phaseOf, events.count, (n) => new Int32Array(n))
    this.stepOf = grown(this.stepOf, events.count, (n) => new Int32Array(n))
    for (let i = this.size; i < events.count; i++) this.add(i)
    this.size = events.count
  }

  private group(kind: Group['kind'], name: string, index: number, resumed: boolean): number {
    const id = this.groups.length
    const key = `${kind}-${this.events.seqAt(index)}`
    this.groups.push({ kind, key, name, resumed, first: index, last: index, counts: new Array<number>(LEVEL_COUNT).fill(0) })
    this.groupIds.set(key, id)
    return id
  }

  private add(index: number): void {
    const rank = levelRank(this.events.levelAt(index))
    this.levels[index] = rank
    const phaseName = this.events.phaseAt(index)
    if (phaseName === null) {
      this.phase = -1
      this.step = -1
      this.phaseOf[index] = -1
      this.stepOf[index] = -1
      return
    }
    if (this.phase === -1 || this.groups[this.phase].name !== phaseName) {
      this.phase = this.group('phase', phaseName, index, this.seen.has(phaseName))
      this.seen.add(phaseName)
      this.step = -1
    }
    const stepId = this.events.stepIdAt(index)
    if (stepId === null) {
      this.step = -1
    } else if (this.step === -1 || this.groups[this.step].name !== stepId) {
      this.step = this.group('step', stepId, index, false)
    }
    this.phaseOf[index] = this.phase
    this.stepOf[index] = this.step
    const phase = this.groups[this.phase]
    phase.counts[rank]++
    phase.last = index
    if (this.step !== -1) {
      const step = this.groups[this.step]
      step.counts[rank]++
      step.last = index
    }
  }

  /** The index of the line with this seq, or -1 when it is not loaded (or not read yet). */
  indexOfSeq(seq: number): number {
    const index = this.events.indexOfSeq(seq)
    return index < this.size ? index : -1
  }

  /** The line at an index passes the level filter. */
  passes(index: number, minLevel: EventLevel): boolean {
    return this.levels[index] >= levelRank(minLevel)
  }

  /** Keys of the groups around an event, so search can open them to show a match. */
  groupKeysOfSeq(seq: number): string[] {
    const index = this.indexOfSeq(seq)
    if (index === -1 || this.phaseOf[index] === -1) return []
    const phase = this.groups[this.phaseOf[index]].key
    return this.stepOf[index] === -1 ? [phase] : [phase, this.groups[this.stepOf[index]].key]
  }

  /** The per-line columns and the number of groups, for the row lists. */
  columns(): { levels: Uint8Array; phaseOf: Int32Array; stepOf: Int32Array; groups: number } {
    return { levels: this.levels, phaseOf: this.phaseOf, stepOf: this.stepOf, groups: this.groups.length }
  }

  /** @internal */ phaseAt = (index: number) => this.phaseOf[index]
  /** @internal */ stepAt = (index: number) => this.stepOf[index]
  /** @internal */ groupAt = (id: number) => this.groups[id]
  /** @internal */ groupId = (key: string) => this.groupIds.get(key)
}

/** The row list of one filter and set of collapsed groups, one integer per row, grown as lines arrive. */
class RowBuilder {
  /** A line's index (>= 0), or a group's header (-id - 1). */
  codes = new Int32Array(1024)
  length = 0
  /** Lines of the index read so far. */
  scanned = 0
  /** Per group: 1 once its header is in the list. */
  private shown = new Uint8Array(64)
  /** Per group: 0 not looked up yet, 1 open, 2 collapsed. */
  private folded = new Uint8Array(64)

  constructor(
    private readonly index: Grouping,
    readonly minRank: number,
    readonly collapsed: ReadonlySet<string>,
  ) {}

  private isCollapsed(id: number): boolean {
    if (this.folded[id] === 0) this.folded[id] = this.collapsed.has(this.index.groupAt(id).key) ? 2 : 1
    return this.folded[id] === 2
  }

  /** Adds the rows of lines [scanned, size): they belong to the last groups, so rows only go at the end. */
  extend(size: number): void {
    const { levels, phaseOf, stepOf, groups } = this.index.columns()
    // Room for every new line and header up front: the loop below only writes integers.
    this.codes = grown(this.codes, this.length + (size - this.scanned) + groups, (n) => new Int32Array(n))
    this.shown = grown(this.shown, groups, (n) => new Uint8Array(n))
    this.folded = grown(this.folded, groups, (n) => new Uint8Array(n))
    const { codes, shown, minRank } = this
    let length = this.length
    for (let i = this.scanned; i < size; i++) {
      if (levels[i] < minRank) continue
      const phase = phaseOf[i]
      if (phase !== -1) {
        if (shown[phase] === 0) {
          shown[phase] = 1
          codes[length++] = -phase - 1
        }
        if (this.isCollapsed(phase)) continue
        const step = stepOf[i]
        if (step !== -1) {
          if (shown[step] === 0) {
            shown[step] = 1
            codes[length++] = -step - 1
          }
          if (this.isCollapsed(step)) continue
        }
      }
      codes[length++] = i
    }
    this.length = length
    this.scanned = size
  }
}

/**
 * The rows at one moment: a fixed length over the builder's integers (which only grow past it
 * until the filter or the collapsed groups change), so an older list stays valid as new lines arrive.
 */
export class LogRows {
  constructor(
    private readonly index: Grouping,
    private readonly builder: RowBuilder,
    private readonly codes: Int32Array,
    readonly length: number,
    private readonly minLevel: EventLevel,
    private readonly steps: StepFacts,
  ) {}

  /** The row at `position` (0 ≤ position < length). */
  at(position: number): LogRow {
    const code = this.codes[position]
    if (code >= 0) {
      const event = this.index.events.eventAt(code)
      return { kind: 'event', key: `e${event.seq}`, event, depth: this.depthOf(code) }
    }
    const group = this.index.groupAt(-code - 1)
    const minRank = levelRank(this.minLevel)
    let count = 0
    let worst: EventLevel | null = null
    for (let rank = minRank; rank < LEVEL_COUNT; rank++) {
      count += group.counts[rank]
      if (group.counts[rank] > 0) worst = EVENT_LEVELS[rank]
    }
    const collapsed = this.builder.collapsed.has(group.key)
    if (group.kind === 'phase') {
      // A resumed run announces a phase again; its header says so rather than repeating the first one.
      const label = group.resumed ? `${phaseLabel(group.name)} · resumed` : phaseLabel(group.name)
      return { kind: 'phase', key: group.key, phase: group.name, label, count, collapsed, worst }
    }
    const events = this.index.events
    return {
      kind: 'step',
      key: group.key,
      stepId: group.name,
      label: stepLabel(group.name, this.steps.titles),
      count,
      collapsed,
      worst,
      span: { from: events.tsAt(group.first), to: events.tsAt(group.last) },
      status: this.steps.statuses?.get(group.name) ?? null,
    }
  }

  /** The row's key, without making the row. */
  keyAt(position: number): string {
    const code = this.codes[position]
    return code >= 0 ? `e${this.index.events.seqAt(code)}` : this.index.groupAt(-code - 1).key
  }

  /** A line, not a group header. */
  isLine(position: number): boolean {
    return this.codes[position] >= 0
  }

  /** A line's message and depth, without making its row (wrapping measures every line). */
  lineText(position: number): { message: string; depth: 0 | 1 | 2 } | null {
    const code = this.codes[position]
    if (code < 0) return null
    return { message: this.index.events.messageAt(code), depth: this.depthOf(code) }
  }

  /** A line in a step is indented twice, in a phase once. */
  private depthOf(code: number): 0 | 1 | 2 {
    return this.index.stepAt(code) !== -1 ? 2 : this.index.phaseAt(code) !== -1 ? 1 : 0
  }

  /** Where the line with this seq sits among the rows (-1: not shown), for scrolling to it. */
  positionOfSeq(seq: number): number {
    const index = this.index.indexOfSeq(seq)
    return index === -1 ? -1 : this.positionOfCode(index)
  }

  /** Where the row with this key sits (-1: not shown). */
  positionOfKey(key: string): number {
    if (key.startsWith('e')) return this.positionOfSeq(Number(key.slice(1)))
    const id = this.index.groupId(key)
    return id === undefined ? -1 : this.positionOfCode(-id - 1)
  }

  private positionOfCode(code: number): number {
    for (let i = 0; i < this.length; i++) if (this.codes[i] === code) return i
    return -1
  }

  /** The key of the step whose lines end the list (nothing after them): the step still going. */
  lastStepKey(): string | null {
    if (this.length === 0) return null
    const code = this.codes[this.length - 1]
    if (code < 0) {
      const group = this.index.groupAt(-code - 1)
      return group.kind === 'step' ? group.key : null
    }
    const step = this.index.stepAt(code)
    return step === -1 ? null : this.index.groupAt(step).key
  }
}

/** Groups a whole log at once (the viewer keeps one LogIndex and extends it instead). */
export function groupLogEvents(events: readonly EventRow[]): LogIndex {
  const index = new LogIndex()
  index.update(EventStore.of(events[0]?.run_id ?? '', events))
  return index
}

export function stepLabel(stepId: string, stepTitles?: ReadonlyMap<string, string>): string {
  const title = stepTitles?.get(stepId)
  return title === undefined || title === '' ? `Step ${stepId}` : `Step ${stepId} · ${title}`
}

/** Every row to show, as objects (the viewer makes only the rows on screen). */
export function flattenLogTree(tree: LogIndex, options: FlattenOptions): LogRow[] {
  const rows = tree.rows(options)
  return Array.from({ length: rows.length }, (_, position) => rows.at(position))
}

/** Keys of the groups around an event, so search can open them to show a match. */
export function groupKeysOfSeq(tree: LogIndex, seq: number): string[] {
  return tree.groupKeysOfSeq(seq)
}

/** Where each line sits among the rows, for scrolling to a search match. */
export function rowIndexBySeq(rows: readonly LogRow[]): Map<number, number> {
  const index = new Map<number, number>()
  rows.forEach((row, i) => {
    if (row.kind === 'event') index.set(row.event.seq, i)
  })
  return index
}
