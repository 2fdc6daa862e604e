/**
 * The phases every run goes through, in order and numbered as the log announces them
 * ("Phase 2 · execute"), as the database allows them (ops.run_events' run_events_phase_valid check).
 */
export const RUN_PHASES = ['validate', 'preflight', 'execute', 'verify', 'summarize'] as const
export type RunPhase = (typeof RUN_PHASES)[number]

export const PHASE_NUMBER: Readonly<Record<RunPhase, number>> = { validate: 0, preflight: 1, execute: 2, verify: 3, summarize: 4 }

/** The phases a template's step may belong to; validate and summarize are the executor's own. */
export const STEP_PHASES = ['preflight', 'execute', 'verify'] as const satisfies readonly RunPhase[]
export type StepPhase = (typeof STEP_PHASES)[number]

function isRunPhase(value: unknown): value is RunPhase {
  return typeof value === 'string' && (RUN_PHASES as readonly string[]).includes(value)
}

/** "Phase 2 · execute", as the executor's log lines and the log viewer's groups name a phase. */
export function phaseLabel(phase: string): string {
  return isRunPhase(phase) ? `Phase ${PHASE_NUMBER[phase]} · ${phase}` : `Phase ${phase}`
}
