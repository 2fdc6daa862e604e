/** The words and facts shared by the plugin, the widget and the executor: define once, import everywhere. */
export { EVENT_LEVELS, type EventLevel } from './event-levels.ts'
export { PHASE_NUMBER, RUN_PHASES, STEP_PHASES, type RunPhase, type StepPhase } from './phases.ts'
export { isRunStatus, isTerminalStatus, RUN_STATUSES, TERMINAL_STATUSES, type RunStatus } from './run-status.ts'
