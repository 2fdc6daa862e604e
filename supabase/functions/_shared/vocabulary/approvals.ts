/**
 * The approval a protected environment asks for before a run does anything: the executor parks
 * the run at this step id right after validation, and ops.await_approval / ops.decide_approval
 * record the decisions under it. It is reserved, so no template can name (and so skip) it.
 */
export const ENVIRONMENT_GATE_STEP = 'environment-approval'
