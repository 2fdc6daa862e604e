/**
 * The log viewer's rows: events grouped by phase, then by step within a phase, flattened into
 * one list of fixed-height rows (group headers and lines) that the virtual list renders.
 */
import type { EventLevel, EventRow } from '../../client/types.ts'
import { phaseLabel, type StepStatus } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import { passesLevel, worseLevel } from './log-levels.ts'

interface StepGroup {
  kind: 'step'
  key: string
  stepId: string
  events: EventRow[]
}

interface PhaseGroup {
  kind: 'phase'
  key: string
  phase: string
  /** An earlier group of this phase exists: the run was handed back or resumed, and continues it. */
  resumed: boolean
  /** Lines of the phase itself and its steps' groups, in seq order. */
  children: Array<EventRow | StepGroup>
}

/** Events grouped once per change of the loaded events; filtering and collapsing reuse it. */
export interface LogTree {
  items: Array<EventRow | PhaseGroup>
}

function isPhaseGroup(item: EventRow | PhaseGroup): item is PhaseGroup {
  return 'kind' in item && item.kind === 'phase'
}

function isStepGroup(item: EventRow | StepGroup): item is StepGroup {
  return 'kind' in item && item.kind === 'step'
}

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

/**
 * Consecutive events of one phase form a phase group, and consecutive events of one step inside
 * it a step group. A group's key is its first seq, so it stays put as new lines arrive.
 * Lines with no phase (the executor claiming the run) stand on their own.
 */
export function groupLogEvents(events: readonly EventRow[]): LogTree {
  const items: LogTree['items'] = []
  let phase: PhaseGroup | null = null
  let step: StepGroup | null = null
  const seen = new Set<string>()
  for (const event of events) {
    if (event.phase === null || event.phase === undefined) {
      phase = null
      step = null
      items.push(event)
      continue
    }
    if (phase === null || phase.phase !== event.phase) {
      phase = { kind: 'phase', key: `phase-${event.seq}`, phase: event.phase, resumed: seen.has(event.phase), children: [] }
      seen.add(event.phase)
      step = null
      items.push(phase)
    }
    if (event.step_id === null || event.step_id === undefined) {
      step = null
      phase.children.push(event)
      continue
    }
    if (step === null || step.stepId !== event.step_id) {
      step = { kind: 'step', key: `step-${event.seq}`, stepId: event.step_id, events: [] }
      phase.children.push(step)
    }
    step.events.push(event)
  }
  return { items }
}

export function stepLabel(stepId: string, stepTitles?: ReadonlyMap<string, string>): string {
  const title = stepTitles?.get(stepId)
  return title === undefined || title === '' ? `Step ${stepId}` : `Step ${stepId} · ${title}`
}

/** The rows to show: lines under the level filter, headers of groups that keep a line. */
export function flattenLogTree(tree: LogTree, { minLevel, collapsed, stepTitles, stepStatuses }: FlattenOptions): LogRow[] {
  const rows: LogRow[] = []
  const eventRow = (event: EventRow, depth: 0 | 1 | 2): LogRow => ({ kind: 'event', key: `e${event.seq}`, event, depth })
  for (const item of tree.items) {
    if (!isPhaseGroup(item)) {
      if (passesLevel(item.level, minLevel)) rows.push(eventRow(item, 0))
      continue
    }
    const group = item
    const body: LogRow[] = []
    let count = 0
    let worst: EventLevel | null = null
    for (const child of group.children) {
      if (!isStepGroup(child)) {
        const event = child
        if (!passesLevel(event.level, minLevel)) continue
        count++
        worst = worseLevel(worst, event.level)
        body.push(eventRow(event, 1))
        continue
      }
      const stepGroup = child
      const visible = stepGroup.events.filter((event) => passesLevel(event.level, minLevel))
      if (visible.length === 0) continue
      const stepWorst = visible.reduce<EventLevel | null>((acc, event) => worseLevel(acc, event.level), null)
      const stepCollapsed = collapsed.has(stepGroup.key)
      count += visible.length
      worst = worseLevel(worst, stepWorst ?? 'info')
      body.push({
        kind: 'step',
        key: stepGroup.key,
        stepId: stepGroup.stepId,
        label: stepLabel(stepGroup.stepId, stepTitles),
        count: visible.length,
        collapsed: stepCollapsed,
        worst: stepWorst,
        span: { from: stepGroup.events[0].ts, to: stepGroup.events[stepGroup.events.length - 1].ts },
        status: stepStatuses?.get(stepGroup.stepId) ?? null,
      })
      if (!stepCollapsed) for (const event of visible) body.push(eventRow(event, 2))
    }
    if (count === 0) continue
    const phaseCollapsed = collapsed.has(group.key)
    rows.push({
      kind: 'phase',
      key: group.key,
      phase: group.phase,
      // A resumed run announces a phase again; its header says so rather than repeating the first one.
      label: group.resumed ? `${phaseLabel(group.phase)} · resumed` : phaseLabel(group.phase),
      count,
      collapsed: phaseCollapsed,
      worst,
    })
    if (!phaseCollapsed) rows.push(...body)
  }
  return rows
}

/** Keys of the groups around an event, so search can open them to show a match. */
export function groupKeysOfSeq(tree: LogTree, seq: number): string[] {
  for (const item of tree.items) {
    if (!isPhaseGroup(item)) continue
    for (const child of item.children) {
      if (isStepGroup(child)) {
        if (child.events.some((event) => event.seq === seq)) return [item.key, child.key]
      } else if (child.seq === seq) {
        return [item.key]
      }
    }
  }
  return []
}

/** Where each line sits among the rows, for scrolling to a search match. */
export function rowIndexBySeq(rows: readonly LogRow[]): Map<number, number> {
  const index = new Map<number, number>()
  rows.forEach((row, i) => {
    if (row.kind === 'event') index.set(row.event.seq, i)
  })
  return index
}
