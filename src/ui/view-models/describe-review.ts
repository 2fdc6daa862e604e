/** The sentence beside a document's review badge: which version, who decided, who is awaited. */
import type { SpecReviewStateView } from '../../client/spec-reviews.ts'

const list = (names: string[]) => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`)

export function describeReview(review: SpecReviewStateView, nameOf: (userId: string | null) => string): string {
  // Each reviewer's latest decision on the current version (decisions are newest first).
  const latest = new Map<string | null, string>()
  for (const decision of review.decisions) {
    if (!decision.stale && !latest.has(decision.reviewerId)) latest.set(decision.reviewerId, decision.decision)
  }
  const by = (decision: string) => [...latest].filter(([, made]) => made === decision).map(([id]) => nameOf(id))
  switch (review.state) {
    case 'approved':
      return `Approved at version ${review.version} by ${list(by('approved'))}`
    case 'changes_requested':
      return `Changes requested by ${list(by('changes_requested'))}`
    case 'changed_since_approval':
      return `Approved at version ${review.approvedVersion ?? '?'}; changed since (now version ${review.version})`
    case 'in_review': {
      const waiting = [...new Set([...review.requested, ...review.required])].filter((id) => !latest.has(id)).map(nameOf)
      return waiting.length === 0 ? `Version ${review.version} is in review` : `Version ${review.version}: waiting for ${list(waiting)}`
    }
    case 'not_requested':
      return 'Nobody has been asked to review it yet'
  }
}
