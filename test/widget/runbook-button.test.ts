/**
 * A runbook button as a card keeps it (widget/src/card/runbook-button.ts) and a waiting run's
 * approvals as a board may show them: read field by field from whatever synced state or the window
 * holds, bounded, never carrying a key it does not know (a secret value smuggled in included).
 */
import { describe, expect, it } from 'vitest'
import { approvalsOf } from '../../widget/src/card/approvals.ts'
import { boardPicture } from '../../widget/src/card/board-picture.ts'
import { buttonView } from '../../widget/src/card/button-model.ts'
import { buttonLabel, readButton, type RunbookButton } from '../../widget/src/card/runbook-button.ts'
import { runRow, snapshot } from './fixtures.ts'

const button: RunbookButton = {
  workspaceId: 'workspace-1',
  templateSlug: 'deploy-web',
  title: 'Deploy web',
  kind: 'deploy',
  revisionId: 'revision-3',
  revision: 3,
  env: 'production',
  inputs: { env: 'production', ref: 'main' },
  secretKeys: ['api_key'],
  placedBy: 'Ana',
  newerRevision: null,
}

describe('readButton', () => {
  it('reads a button, and says what it does as the card title', () => {
    expect(readButton(button)).toEqual(button)
    expect(buttonLabel(button)).toBe('Deploy web → production, ref main')
  })

  it('carries nothing it does not know, a secret value included', () => {
    const read = readButton({ ...button, secretInputs: { api_key: 'sk-1' }, inputsExtra: 1 })
    expect(read).toEqual(button)
    expect(JSON.stringify(read)).not.toContain('sk-1')
  })

  it.each([
    ['no workspace', { workspaceId: 5 }],
    ['a revision that is not a number', { revision: '3' }],
    ['nested inputs', { inputs: { ref: { $ne: 1 } } }],
    ['an oversized input', { inputs: { ref: 'x'.repeat(201) } }],
    ['too many inputs', { inputs: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }],
    ['secret keys that are not names', { secretKeys: [{}] }],
  ])('refuses a button with %s (the card draws as an empty one)', (_, change) => {
    expect(readButton({ ...button, ...change })).toBeNull()
  })

  it('keeps an input that looks like an interpolation as the text it is', () => {
    const read = readButton({ ...button, inputs: { ref: '${{ secrets.GITHUB_TOKEN }}' } })
    expect(read?.inputs.ref).toBe('${{ secrets.GITHUB_TOKEN }}')
  })
})

describe('the button card’s view', () => {
  it('says the revision, who placed it, what it asks for, and that a newer revision exists', () => {
    const last = snapshot({ createdAt: '2025-01-03T14:00:56.000Z', startedBy: 'Ben' }, 'success')
    expect(buttonView({ ...button, newerRevision: { revisionId: 'revision-4', revision: 4 } }, last)).toMatchObject({
      label: 'Deploy web → production, ref main',
      meta: 'deploy-web · rev 3 · placed by Ana',
      secrets: 'Asks for api_key at each run (never kept on the board)',
      lastRun: { badge: { label: 'Succeeded' }, text: 'Last run 14:00 UTC by Ben' },
      changed: 'The template changed: rev 4 is newer than this button’s rev 3. Run still runs rev 3.',
    })
    expect(buttonView(button, null)).toMatchObject({ lastRun: null, changed: null })
    // A last run that was a dry run says so, never a plain "Succeeded".
    const dry = snapshot({ createdAt: '2025-01-03T14:00:56.000Z', startedBy: 'Ben', outcome: 'dry_run' }, 'success')
    expect(buttonView(button, dry).lastRun?.badge).toMatchObject({ label: 'Dry run', symbol: '◌' })
  })
})

describe('approvals on a card', () => {
  const waiting = runRow({
    status: 'waiting_approval',
    current_step: 'environment-approval',
    step_results: {
      'environment-approval': {
        status: 'running',
        required: 2,
        prevent_self_review: true,
        approvals: [{ by: 'u2', name: 'Ben', decision: 'approved', comment: 'private note' }],
      },
    },
  })

  it('counts the approvals given and needed, and whether the starter is kept out', () => {
    expect(approvalsOf(waiting)).toEqual({ given: 1, required: 2, starterExcluded: true })
    expect(approvalsOf(runRow())).toBeNull()
  })

  it('keeps counts only on the board: no names, no comments, nothing else the picture holds', () => {
    const hostile = { given: 1, required: 2, starterExcluded: true, names: ['Ben'], comment: 'private note' }
    const picture = boardPicture({ ...snapshot({}, 'waiting_approval'), approvals: hostile })
    expect(picture.approvals).toEqual({ given: 1, required: 2, starterExcluded: true })
  })
})
