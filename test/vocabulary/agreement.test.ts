/**
 * Every surface words and colours a run the same way, asked through the surface's own code rather
 * than the vocabulary's table: the plugin's run history row and badge, the card the plugin drops on
 * the canvas, the widget's card, and the executor's summary and approval line.
 */
import { isValidElement, type ComponentChildren, type VNode } from 'preact'
import { describe, expect, it } from 'vitest'
import type { RunStatus } from '../../src/client/types.ts'
import { cardColors, cardTexts } from '../../src/main/summary-card.ts'
import { RunHistoryItem } from '../../src/ui/components/run-history-item/run-history-item.tsx'
import { approvalRequestLine } from '../../supabase/functions/_shared/executor/steps/approval.ts'
import { canceledSummary, stepFailedSummary, successSummary, tallySteps } from '../../supabase/functions/_shared/executor/summary.ts'
import type { Plan } from '../../supabase/functions/_shared/runbook/index.ts'
import { RUN_STATUSES } from '../../supabase/functions/_shared/vocabulary/index.ts'
import { cardView } from '../../widget/src/card/card-model.ts'
import { snapshotOf } from '../../widget/src/card/snapshot.ts'
import { summaryCardData } from '../../src/ui/view-models/summary-card-data.ts'
import { boardWithDetails, card, runRow, snapshot } from '../widget/fixtures.ts'

/** Function components called with their props, so the tree holds only elements and text. */
function expand(node: ComponentChildren): ComponentChildren {
  if (Array.isArray(node)) return node.map(expand)
  if (!isValidElement(node)) return node
  const vnode = node as VNode<Record<string, unknown>>
  if (typeof vnode.type === 'function') return expand((vnode.type as (props: unknown) => ComponentChildren)(vnode.props))
  return { ...vnode, props: { ...vnode.props, children: expand(vnode.props.children) } } as VNode
}

function textOf(node: ComponentChildren): string {
  if (Array.isArray(node)) return node.map(textOf).join('')
  if (isValidElement(node)) return textOf((node.props as { children?: ComponentChildren }).children)
  return typeof node === 'string' || typeof node === 'number' ? String(node) : ''
}

function find(node: ComponentChildren, match: (props: Record<string, unknown>) => boolean): VNode<Record<string, unknown>> | null {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = find(child, match)
      if (found) return found
    }
    return null
  }
  if (!isValidElement(node)) return null
  const vnode = node as VNode<Record<string, unknown>>
  return match(vnode.props) ? vnode : find(vnode.props.children, match)
}

const now = Date.parse('2025-01-03T10:10:00.000Z')
const startedAt = '2025-01-03T10:00:00.000Z'
const at = (ms: number) => new Date(Date.parse(startedAt) + ms).toISOString()

/** The plugin's run history row, as the Runs tab draws it. */
function historyRow(status: RunStatus, durationMs: number) {
  const run = runRow({ status, started_at: startedAt, finished_at: at(durationMs) })
  return expand(RunHistoryItem({ run, now, onOpen: () => undefined, onAddToBoard: () => undefined }))
}

function pluginBadge(status: RunStatus) {
  const badge = find(historyRow(status, 1000), (props) => props['data-status'] === status)!
  const style = badge.props.style as Record<string, string>
  return { label: textOf(badge).slice(1), fill: style['--status-fill'], text: style['--status-text'], accent: style['--status-accent'] }
}

function canvasCard(status: RunStatus) {
  const card = {
    runId: 'run-1',
    title: 'Deploy web',
    env: 'staging',
    status,
    templateSlug: null,
    startedAt,
    finishedAt: null,
    summary: null,
  }
  const colors = cardColors(card)
  return { label: cardTexts(card).status, fill: colors.badgeFill, text: colors.badgeText, accent: colors.outline }
}

function widgetBadge(status: RunStatus) {
  const { badge } = cardView(card(snapshot({}, status)))
  return { label: badge.label, fill: badge.fill, text: badge.text }
}

const plan: Plan = {
  version: 2,
  kind: 'deploy',
  title: 'Deploy web',
  env: 'staging',
  steps: [
    {
      id: 'dispatch',
      title: 'Dispatch',
      kind: 'wait',
      phase: 'execute',
      with: { durationMs: 1000 },
      secretsUsed: [],
      source: { durationMs: 1000 },
    },
  ],
  approvalRequired: false,
  secrets: [],
  requiredSecrets: [],
  secretInputs: [],
  inputs: {},
}

/** What the executor writes when a run ends in (or parks at) a status; it says nothing of the others. */
const executorWords: Partial<Record<RunStatus, string>> = {
  success: successSummary(plan, tallySteps(plan, { dispatch: { status: 'succeeded' } }), 1000),
  error: stepFailedSummary('dispatch', 'the workflow answered 500'),
  canceled: canceledSummary('dispatch'),
  waiting_approval: approvalRequestLine('Deploy to production?'),
}

describe('every surface shows a status alike', () => {
  it.each(RUN_STATUSES)('%s', (status) => {
    const plugin = pluginBadge(status)
    const canvas = canvasCard(status)
    const widget = widgetBadge(status)
    expect(canvas).toEqual(plugin)
    expect(widget).toEqual({ label: plugin.label, fill: plugin.fill, text: plugin.text })
    const words = executorWords[status]
    if (words !== undefined) expect(words.startsWith(`${plugin.label} `) || words.startsWith(`${plugin.label}:`), words).toBe(true)
  })

  it('words the statuses the executor ends or parks a run in', () => {
    expect(Object.keys(executorWords).sort()).toEqual(['canceled', 'error', 'success', 'waiting_approval'])
  })
})

describe('every surface shows a duration alike', () => {
  it.each([
    { ms: 850, text: '850 ms' },
    { ms: 59_960, text: '59.9 s' },
    { ms: 119_600, text: '1 min 59 s' },
    { ms: 3_599_999, text: '59 min 59 s' },
    { ms: 3_720_000, text: '1 h 02 min' },
  ])('$ms ms reads "$text"', ({ ms, text }) => {
    const plugin = textOf(historyRow('success', ms))
    const widget = cardView(card(snapshot({ startedAt, finishedAt: at(ms) }, 'success'))).duration
    const executor = successSummary(plan, tallySteps(plan, { dispatch: { status: 'succeeded' } }), ms)
    expect(plugin).toContain(text)
    expect(widget).toBe(text)
    expect(executor.endsWith(` in ${text}`), executor).toBe(true)
  })

  it('the executor summarizes a run of 119,600 ms as 1 min 59 s, never "1 min 60 s"', () => {
    const summary = successSummary(plan, tallySteps(plan, { dispatch: { status: 'succeeded' } }), 119_600)
    expect(summary).toBe('Succeeded: Deploy web in staging, 1 step in 1 min 59 s')
    expect(summary).not.toMatch(/60 s/)
  })
})

/** A run that finished with its dispatch step sent nothing: the optional token was not set. */
const forcedDryRun = {
  status: 'success' as const,
  started_at: startedAt,
  finished_at: at(1000),
  step_results: { dispatch: { status: 'succeeded' as const, dry_run: true, dry_run_reason: 'secret GITHUB_TOKEN is not set' } },
}

describe('every surface shows a dry run as a dry run, never as a plain success', () => {
  it('the Runs row, the canvas card, the widget card and the executor summary all say "Dry run"', () => {
    const run = runRow(forcedDryRun)
    const row = expand(RunHistoryItem({ run, now, onOpen: () => undefined, onAddToBoard: () => undefined }))
    const badge = find(row, (props) => props['data-outcome'] === 'dry_run')
    expect(badge, 'a dry-run badge in the Runs row').not.toBeNull()
    const style = badge!.props.style as Record<string, string>
    const plugin = { label: textOf(badge).slice(1), fill: style['--status-fill'], text: style['--status-text'] }
    expect(plugin.label).toBe('Dry run')
    expect(plugin.fill).not.toBe(pluginBadge('success').fill)

    const canvasData = summaryCardData(run)
    expect(cardTexts(canvasData).status).toBe(plugin.label)
    expect(cardColors(canvasData).badgeFill).toBe(plugin.fill)

    const { badge: widget } = cardView(card(snapshotOf(run, [], [], { now, board: boardWithDetails })))
    expect({ label: widget.label, fill: widget.fill, text: widget.text }).toEqual(plugin)

    const summary = successSummary(plan, tallySteps(plan, forcedDryRun.step_results), 1000)
    expect(summary.startsWith('Dry run: ')).toBe(true)
    expect(summary).toContain('not sent: dispatch (secret GITHUB_TOKEN is not set)')
  })

  it('a run of real effects keeps the "Succeeded" badge everywhere', () => {
    const run = runRow({ ...forcedDryRun, step_results: { dispatch: { status: 'succeeded' } } })
    expect(cardTexts(summaryCardData(run)).status).toBe('Succeeded')
    expect(cardView(card(snapshotOf(run, [], [], { now, board: boardWithDetails }))).badge.label).toBe('Succeeded')
  })
})
