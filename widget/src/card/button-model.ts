/**
 * What a runbook button card draws, as a pure function of its synced state (as card-model.ts is
 * for a run card): the template and its filled-in inputs, the revision it runs, its last run's
 * status, and whether the template has a newer revision.
 */
import { formatUtcSeconds, formatUtcTime, OUTCOME_VIEWS, statusView } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import type { Badge } from './card-model.ts'
import type { Liveness } from './card-state.ts'
import { buttonLabel, type RunbookButton } from './runbook-button.ts'
import type { RunSnapshot } from './snapshot.ts'

export interface ButtonView {
  label: string
  /** "deploy-web · rev 3 · placed by Ana" */
  meta: string
  /** "Asks for API key at each run": secret inputs are never kept on the board. */
  secrets: string | null
  lastRun: { badge: Badge; text: string } | null
  /** The template changed since the button was placed: says so, and the card offers Update. */
  changed: string | null
  /** Who may press Run: the card is the same for everyone, so it says the rule. */
  rule: string
  /** "Live via Ana · last update 14:02:31 UTC", while someone keeps its last run live. */
  live: string | null
}

export function buttonView(button: RunbookButton, lastRun: RunSnapshot | null, live: Liveness | null = null): ButtonView {
  const placed = button.placedBy ? ` · placed by ${button.placedBy}` : ''
  return {
    label: buttonLabel(button),
    meta: `${button.templateSlug} · rev ${button.revision}${placed}`,
    secrets: button.secretKeys.length > 0 ? `Asks for ${button.secretKeys.join(', ')} at each run (never kept on the board)` : null,
    lastRun: lastRun && {
      // Its outcome once finished (a dry run is not a plain success), as on the run's own card.
      badge: lastRun.outcome ? OUTCOME_VIEWS[lastRun.outcome] : statusView(lastRun.status),
      text: `Last run ${formatUtcTime(lastRun.createdAt) ?? 'at an unknown time'}${lastRun.startedBy ? ` by ${lastRun.startedBy}` : ''}`,
    },
    changed:
      button.newerRevision && button.newerRevision.revisionId !== button.revisionId
        ? `The template changed: rev ${button.newerRevision.revision} is newer than this button’s rev ${button.revision}. Run still runs rev ${button.revision}.`
        : null,
    rule: 'Operators and up may run it; others are told why not.',
    live: live && `Live via ${live.driver} · last update ${formatUtcSeconds(live.heartbeat) ?? 'at an unknown time'}`,
  }
}
