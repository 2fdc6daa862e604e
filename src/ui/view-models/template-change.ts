/**
 * What changed in a template between the revision the last approved run of it executed and the
 * revision a waiting run pinned, as the approvals inbox says it: a unified diff, the same text,
 * or no earlier approved run to compare with.
 */
import { unifiedDiff } from '../../../supabase/functions/_shared/spec/unified-diff.ts'
import type { ApprovalBaseline } from '../../client/team-api.ts'

export type TemplateChange =
  | { kind: 'first'; revision: number | null }
  | { kind: 'same'; revision: number | null }
  | { kind: 'changed'; from: number | null; to: number | null; diff: string }
  | { kind: 'unknown' }

export function templateChange(baseline: ApprovalBaseline): TemplateChange {
  if (baseline.yaml === null) return { kind: 'unknown' }
  if (baseline.baseline === null) return { kind: 'first', revision: baseline.revision }
  const before = baseline.baseline.yaml ?? ''
  if (before === baseline.yaml) return { kind: 'same', revision: baseline.revision }
  const from = baseline.baseline.revision
  const to = baseline.revision
  const names = { oldName: `revision ${from ?? '?'}`, newName: `revision ${to ?? '?'}` }
  const diff = unifiedDiff(before, baseline.yaml, names, { context: 3, underline: true })
  return { kind: 'changed', from, to, diff }
}

/** The sentence above the diff (or in its place). */
export function templateChangeText(change: TemplateChange): string {
  switch (change.kind) {
    case 'first':
      return `No earlier run of this template was approved: this is the first (revision ${change.revision ?? '?'}).`
    case 'same':
      return `Unchanged since the last approved run (revision ${change.revision ?? '?'}).`
    case 'changed':
      return `Changed since the last approved run: revision ${change.from ?? '?'} → ${change.to ?? '?'}.`
    case 'unknown':
      return 'This run pinned no template revision, so there is nothing to compare.'
  }
}
