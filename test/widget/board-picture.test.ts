/**
 * What a board may show of a run (widget/src/card/board-picture.ts): anyone who opens the file
 * reads a card's synced state, so without the workspace's board_details a picture keeps the
 * title, template, environment, status, step progress, who started it and when — nothing else.
 */
import { describe, expect, it } from 'vitest'
import { boardPicture } from '../../widget/src/card/board-picture.ts'
import { readPicture } from '../../widget/src/card/card-state.ts'
import { snapshotOf, type RunSnapshot } from '../../widget/src/card/snapshot.ts'
import { artifactRows, earlierPicture, eventRows, runRow, snapshot } from './fixtures.ts'

const detailed = snapshot(
  {
    steps: [
      { id: 'dispatch', title: 'Dispatch web@4f2a' },
      { id: 'notify', title: 'Tell #ops-private' },
    ],
    currentStep: 'notify',
    summary: 'Deployed web@4f2a',
    error: 'token ghp_secret refused',
    lines: [{ seq: 3, level: 'info', text: 'GET https://api.internal/health' }],
    artifacts: [{ kind: 'link', title: 'CI run', url: 'https://ci.internal/9' }],
    artifactCount: 4,
  },
  'error',
)

/** What stays on every board, details or not. */
const always = (picture: RunSnapshot) => ({
  runId: picture.runId,
  workspaceId: picture.workspaceId,
  startedBy: picture.startedBy,
  title: picture.title,
  templateSlug: picture.templateSlug,
  env: picture.env,
  status: picture.status,
  done: picture.done,
  currentStep: picture.currentStep,
  approvals: picture.approvals,
  createdAt: picture.createdAt,
  startedAt: picture.startedAt,
  finishedAt: picture.finishedAt,
  syncedAt: picture.syncedAt,
})

const withoutDetails = {
  boardDetails: false,
  steps: [
    { id: 'dispatch', title: 'dispatch' },
    { id: 'notify', title: 'notify' },
  ],
  summary: null,
  error: null,
  lines: [],
  artifacts: [],
  artifactCount: 0,
}

describe('boardPicture', () => {
  it.each([
    ['a workspace that keeps details off boards', { boardDetails: false }],
    ['a picture that names no workspace, whatever it says about details', { workspaceId: null, boardDetails: true }],
  ])('keeps only the run’s outline for %s', (_, facts) => {
    const picture = { ...detailed, ...facts }
    expect(boardPicture(picture)).toEqual({ ...always(picture), ...withoutDetails })
  })

  it('keeps everything for a workspace that shows details on boards', () => {
    expect(boardPicture(detailed)).toEqual(detailed)
  })

  it('carries nothing a picture holds beyond its known fields', () => {
    const padded = { ...detailed, inputs: { token: 'ghp_secret' }, driver: 'Ben' } as RunSnapshot
    expect(Object.keys(boardPicture(padded)).sort()).toEqual(Object.keys(detailed).sort())
  })

  it('is the same picture when applied twice', () => {
    const once = boardPicture({ ...detailed, boardDetails: false })
    expect(boardPicture(once)).toEqual(once)
  })
})

describe('the rule where pictures are made and read', () => {
  const run = runRow({ summary: 'Deployed web@4f2a', title: 'Deploy web to production' })

  it('snapshotOf applies it: a workspace without board details gets no lines, summary or artifacts', () => {
    const now = Date.parse('2025-01-03T10:00:42.000Z')
    const board = { workspaceId: 'workspace-1', boardDetails: false, startedBy: 'ana' }
    const picture = snapshotOf(run, eventRows(3), artifactRows(2), { now, board })
    expect(picture).toMatchObject({ workspaceId: 'workspace-1', startedBy: 'ana', ...withoutDetails, steps: expect.any(Array) })
    expect(picture.steps.every((step) => step.title === step.id)).toBe(true)
    expect(snapshotOf(run, eventRows(3), artifactRows(2), { now, board: { ...board, boardDetails: true } })).toMatchObject({
      summary: 'Deployed web@4f2a',
      artifactCount: 2,
      lines: expect.arrayContaining([expect.objectContaining({ text: 'line 3' })]),
    })
  })

  it('readPicture applies it to a picture of an earlier build, which names who picked the run beside it', () => {
    expect(readPicture(earlierPicture(detailed), 'Ana')).toEqual({
      ...always({ ...detailed, workspaceId: null, startedBy: 'Ana' }),
      ...withoutDetails,
    })
    expect(readPicture({ runId: 'r' })).toBeNull()
  })
})
