import { describe, expect, it } from 'vitest'
import { dryRunReason, OUTCOME_VIEWS, outcomeOf, RUN_OUTCOMES, runBadgeView } from '../../supabase/functions/_shared/vocabulary/index.ts'

/** WCAG 2 contrast ratio of two #RRGGBB colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (light + 0.05) / (dark + 0.05)
}

const sentNothing = { dispatch: { status: 'succeeded', dry_run: true, dry_run_reason: 'secret GITHUB_TOKEN is not set' } }

describe('what a run did', () => {
  it.each([
    { case: 'running', run: { status: 'running' }, outcome: null, reason: null },
    { case: 'everything sent', run: { status: 'success', step_results: { a: { status: 'succeeded' } } }, outcome: 'success', reason: null },
    {
      case: 'a missing optional secret',
      run: { status: 'success', step_results: sentNothing },
      outcome: 'dry_run',
      reason: 'secret GITHUB_TOKEN is not set',
    },
    {
      case: 'the Dry run switch',
      run: { status: 'success', dry_run: true, step_results: {} },
      outcome: 'dry_run',
      reason: 'chosen with the Dry run switch',
    },
    { case: 'failed', run: { status: 'error', step_results: sentNothing }, outcome: 'error', reason: null },
    { case: 'canceled', run: { status: 'canceled', dry_run: true }, outcome: 'canceled', reason: null },
    { case: 'damaged step results', run: { status: 'success', step_results: 'x' }, outcome: 'success', reason: null },
  ])('$case: $outcome', ({ run, outcome, reason }) => {
    expect(outcomeOf(run)).toBe(outcome)
    expect(dryRunReason(run)).toBe(reason)
  })

  it('gives each outcome its own word and colour, readable on its fill', () => {
    const views = RUN_OUTCOMES.map((outcome) => OUTCOME_VIEWS[outcome])
    expect(new Set(views.map((view) => view.label)).size).toBe(RUN_OUTCOMES.length)
    expect(new Set(views.map((view) => view.fill)).size).toBe(RUN_OUTCOMES.length)
    for (const view of views) expect(contrast(view.fill, view.text)).toBeGreaterThanOrEqual(4.5)
  })

  it('badges a running run by its status and a finished one by its outcome', () => {
    expect(runBadgeView({ status: 'running', dry_run: true }).label).toBe('Running')
    expect(runBadgeView({ status: 'success', dry_run: true }).label).toBe('Dry run')
  })
})
