/** The words and facts shared by the plugin, the widget and the executor: define once, import everywhere. */
export { formatAgo, formatDuration, formatRunDuration, runDurationMs } from './durations.ts'
export { EVENT_LEVELS, type EventLevel } from './event-levels.ts'
export { PHASE_NUMBER, phaseLabel, RUN_PHASES, STEP_PHASES, type RunPhase, type StepPhase } from './phases.ts'
export { isRunStatus, isTerminalStatus, RUN_STATUSES, TERMINAL_STATUSES, type RunStatus } from './run-status.ts'
export { STATUS_VIEWS, statusView, type StatusView } from './status-views.ts'
export { shownStepStatus, STEP_STATUS_VIEWS, type StepStatus } from './step-status.ts'
export { formatUtcDateTime, formatUtcSeconds, formatUtcTime } from './utc-clock.ts'
export { ENVIRONMENT_GATE_STEP } from './approvals.ts'
export { ROLE_LABELS, roleAtLeast, WORKSPACE_ROLES, type WorkspaceRole } from './workspace-roles.ts'
export {
  CHOSEN_DRY_RUN_REASON,
  dryRunReason,
  OUTCOME_VIEWS,
  outcomeOf,
  RUN_OUTCOMES,
  runBadgeView,
  type OutcomeFacts,
  type Outcome,
} from './run-outcomes.ts'
export {
  ANCHOR_KIND_LABELS,
  isSpecReviewState,
  SPEC_REVIEW_DECISIONS,
  SPEC_REVIEW_VIEWS,
  type SpecReviewDecision,
  type SpecReviewState,
} from './spec-review.ts'
