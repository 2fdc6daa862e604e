import { describe, expect, it } from 'vitest'
import { cardView, NO_DETAILS, STATUS_BADGES } from '../../widget/src/card/card-model.ts'
import { MAX_ARTIFACTS, MAX_LINES, snapshotOf } from '../../widget/src/card/snapshot.ts'
import type { RunStatus } from '../../src/client/types.ts'
import { artifactRows, boardWithDetails as board, card, eventRows, runRow, snapshot } from './fixtures.ts'

const now = Date.parse('2025-01-03T10:00:42.000Z')

describe('snapshotOf: run + events + artifacts → synced state', () => {
  it('keeps the plan, progress, the last lines and a bounded list of artifacts', () => {
    const snap = snapshotOf(runRow(), eventRows(40, 'warn'), artifactRows(20), { now, board })
    expect(snap.steps.map((s) => s.id)).toEqual(['health-before', 'policy-approval', 'dispatch', 'settle', 'health-after'])
    expect(snap.done).toBe(2)
    expect(snap.lines.map((l) => l.seq)).toEqual([36, 37, 38, 39, 40])
    expect(snap.lines).toHaveLength(MAX_LINES)
    expect(snap.artifacts).toHaveLength(MAX_ARTIFACTS)
    expect(snap.artifactCount).toBe(20)
    expect(snap).toMatchObject({ status: 'running', syncedAt: now, currentStep: 'dispatch' })
  })

  it('clips long text so the synced state stays small', () => {
    const snap = snapshotOf(
      runRow({ title: 'x'.repeat(500), summary: 'y'.repeat(5000) }),
      [{ ...eventRows(1)[0], message: 'z'.repeat(10_000) }],
      [],
      { now, board },
    )
    expect(snap.title.length).toBe(120)
    expect(snap.summary!.length).toBe(240)
    expect(snap.lines[0].text.length).toBe(240)
    expect(JSON.stringify(snap).length).toBeLessThan(4_000)
  })

  it('handles a run without a plan yet and without events', () => {
    const snap = snapshotOf(runRow({ plan: null, status: 'queued', started_at: null, current_step: null }), [], [], { now, board })
    expect(snap).toMatchObject({ steps: [], done: 0, lines: [], artifacts: [], artifactCount: 0 })
  })
})

describe('cardView: synced state → what the card draws', () => {
  const statuses: [RunStatus, string][] = [
    ['queued', 'Queued'],
    ['running', 'Running'],
    ['waiting_approval', 'Waiting for approval'],
    ['success', 'Succeeded'],
    ['error', 'Failed'],
    ['canceled', 'Canceled'],
  ]
  it.each(statuses)('draws a %s run with its own badge', (status, label) => {
    const view = cardView(card(snapshot({}, status)))
    expect(view.badge).toEqual(STATUS_BADGES[status])
    expect(view.badge.label).toBe(label)
  })

  it('every status has a distinct colour and a text label', () => {
    const fills = Object.values(STATUS_BADGES).map((b) => b.fill)
    expect(new Set(fills).size).toBe(fills.length)
  })

  it.each([
    ['a short title', 'Deploy web', 'Deploy web'],
    [
      'a long title',
      'Deploy the web frontend and the API gateway to production after the freeze',
      'Deploy the web frontend and the API gateway to production a…',
    ],
  ])('shows %s', (_, title, shown) => {
    expect(cardView(card(snapshot({ title }))).title).toBe(shown)
  })

  it('shows progress with the current step, who started it and when the picture was taken, in UTC', () => {
    const view = cardView(card(snapshot()))
    expect(view.progress).toBe('1 of 2 steps · Second')
    expect(view.subtitle).toBe('deploy-web · production')
    expect(view.footer).toBe('Started by Ana 10:00 UTC · updated 10:00:10 UTC')
    expect(view.live).toBeNull()
  })

  it('measures a running run up to the newest time the card holds, never to the clock', () => {
    // Started 10:00:01, picture taken 10:00:10: 9 s, whenever and wherever the card is drawn.
    expect(cardView(card(snapshot())).duration).toBe('9.0 s')
    // A live driver's heartbeat at 10:00:41 says the picture still held then.
    const live = { driver: 'Ben', driverId: '8', heartbeat: Date.parse('2025-01-03T10:00:41.000Z'), problem: null }
    expect(cardView(card(snapshot(), { live })).duration).toBe('40.0 s')
    // A finished run: start to finish.
    expect(cardView(card(snapshot({ finishedAt: '2025-01-03T10:00:31.500Z' }, 'success'), { live })).duration).toBe('30.5 s')
  })

  it.each([
    ['no problem', null, null],
    ['a passing problem', 'Failed to fetch', 'Retrying: Failed to fetch'],
    ['a long problem, clipped', 'x'.repeat(500), `Retrying: ${'x'.repeat(119)}…`],
  ])('says who keeps it live and when they last wrote it, with %s', (_, problem, shown) => {
    const heartbeat = Date.parse('2025-01-03T14:02:31.400Z')
    const view = cardView(card(snapshot(), { live: { driver: 'Ben', driverId: '8', heartbeat, problem } }))
    expect(view.live).toEqual({ text: 'Live via Ben · last update 14:02:31 UTC', problem: shown })
    expect(view.footer).toBe('Started by Ana 10:00 UTC')
  })

  it('says so when there are no lines, no plan or no start yet', () => {
    const view = cardView(card(snapshot({ steps: [], done: 0, startedAt: null, lines: [] }, 'queued')))
    expect(view).toMatchObject({
      progress: 'No plan yet',
      duration: 'not started',
      lines: [{ text: 'No log lines yet', color: '#8C8C8C' }],
    })
  })

  it('says where the details are when its workspace keeps them off boards', () => {
    const view = cardView(card(snapshot({ boardDetails: false, lines: [] }, 'running')))
    expect(view.lines).toEqual([{ text: NO_DETAILS, color: '#8C8C8C' }])
    expect(view.footer).toBe('Started by Ana 10:00 UTC · updated 10:00:10 UTC')
  })

  it('shows three artifacts and how many more', () => {
    const artifacts = artifactRows(7).map((a) => ({ kind: a.kind, title: a.title, url: a.url }))
    const view = cardView(card(snapshot({ artifacts, artifactCount: 7 })))
    expect(view.artifacts.map((a) => a.title)).toEqual(['Link 1', 'Link 2', 'Link 3'])
    expect(view.moreArtifacts).toBe(4)
  })

  it('shows the error of a failed run and the summary of a finished one', () => {
    expect(cardView(card(snapshot({ error: 'step dispatch failed: 401', summary: 'Failed at step dispatch' }, 'error'))).outcome).toBe(
      'step dispatch failed: 401',
    )
    expect(cardView(card(snapshot({ summary: 'Deploy web in production: 5 steps succeeded' }, 'success'))).outcome).toBe(
      'Deploy web in production: 5 steps succeeded',
    )
  })

  it('colours log lines by level', () => {
    const lines = (['debug', 'info', 'warn', 'error'] as const).map((level, i) => ({ seq: i, level, text: level }))
    expect(cardView(card(snapshot({ lines }))).lines.map((l) => l.color)).toEqual(['#8C8C8C', '#333333', '#B86200', '#D6321A'])
  })
})
