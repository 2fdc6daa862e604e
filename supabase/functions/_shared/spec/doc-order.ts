/**
 * The order of a workspace's Spec Kit documents, as the tabs show them: the constitution, the
 * spec (PRD), the plan and the tasks, then every other document by title. Documents of one kind
 * are ordered by title too; equal titles keep a stable order by slug.
 */
import { SPEC_DOC_KINDS, isSpecDocKind } from '../vocabulary/spec-documents.ts'

export interface OrderedDoc {
  kind: string
  title: string
  slug: string
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true })

function kindRank(kind: string): number {
  return isSpecDocKind(kind) ? SPEC_DOC_KINDS.indexOf(kind) : SPEC_DOC_KINDS.length - 1
}

/** `docs` in Spec Kit order (a new array). */
export function orderSpecDocs<T extends OrderedDoc>(docs: readonly T[]): T[] {
  return [...docs].sort(
    (a, b) => kindRank(a.kind) - kindRank(b.kind) || collator.compare(a.title, b.title) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0),
  )
}
