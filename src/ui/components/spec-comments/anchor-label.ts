import type { SpecAnchor } from '../../../../supabase/functions/_shared/spec/anchors.ts'

/** How a thread names its anchor: the ID (FR-003, User Story 2) or, for a plain heading, its words. */
export function anchorLabel(anchor: Pick<SpecAnchor, 'id' | 'text'>): string {
  if (anchor.id !== null) return anchor.id
  return anchor.text.length > 40 ? `${anchor.text.slice(0, 39)}…` : anchor.text
}
