/** What the approvals inbox says changed in a template since the last approved run of it. */
import { describe, expect, it } from 'vitest'
import { templateChange, templateChangeText } from '../../src/ui/view-models/template-change.ts'
import { diffLines } from '../../src/ui/view-models/diff-lines.ts'

const V1 = 'version: 1\nsteps:\n  - id: a\n    kind: wait\n    with: { duration: 1s }\n'
const V2 = V1.replace('1s', '2s')

describe('templateChange', () => {
  it('is a unified diff from the approved revision to the pinned one', () => {
    const change = templateChange({ revision: 2, yaml: V2, baseline: { runId: 'r', revision: 1, yaml: V1, approvedAt: null } })
    expect(change.kind).toBe('changed')
    if (change.kind !== 'changed') return
    const changed = diffLines(change.diff).filter((line) => line.kind === 'added' || line.kind === 'removed')
    expect(changed).toEqual([
      { kind: 'removed', text: '-    with: { duration: 1s }' },
      { kind: 'added', text: '+    with: { duration: 2s }' },
    ])
    expect(templateChangeText(change)).toBe('Changed since the last approved run: revision 1 → 2.')
  })

  it.each([
    [
      { revision: 3, yaml: V1, baseline: { runId: 'r', revision: 3, yaml: V1, approvedAt: null } },
      'Unchanged since the last approved run (revision 3).',
    ],
    [{ revision: 1, yaml: V1, baseline: null }, 'No earlier run of this template was approved: this is the first (revision 1).'],
    [{ revision: null, yaml: null, baseline: null }, 'This run pinned no template revision, so there is nothing to compare.'],
  ])('says so when there is nothing to diff', (baseline, text) => {
    expect(templateChangeText(templateChange(baseline))).toBe(text)
  })
})
