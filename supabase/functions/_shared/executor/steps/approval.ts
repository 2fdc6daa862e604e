/**
 * `approval`: a function cannot wait hours for a person, so the step parks the run; the owner's
 * decision (ops.decide_approval) requeues or cancels it and the next executor resumes after it.
 */
import { statusView } from '../../vocabulary/index.ts'
import type { StepRunner } from './context.ts'

/** The line the log shows while the run waits, worded as the run's status badge: "Waiting for approval: …". */
export function approvalRequestLine(message: string): string {
  return `${statusView('waiting_approval').label}: ${message}`
}

export const runApproval: StepRunner<'approval'> = async (ctx) => {
  const { step } = ctx
  const message = step.with.message ?? step.title
  await ctx.log({ level: 'warn', message: approvalRequestLine(message), data: { approval: { message } } })
  return { status: 'waiting_approval' }
}
