/**
 * `approval`: a function cannot wait hours for a person, so the step parks the run; the owner's
 * decision (ops.decide_approval) requeues or cancels it and the next executor resumes after it.
 */
import type { PlanStep } from '../../runbook/index.ts'
import type { StepRunner } from './context.ts'

type ApprovalStep = Extract<PlanStep, { kind: 'approval' }>

export const runApproval: StepRunner = async (ctx) => {
  const step = ctx.step as ApprovalStep
  const message = step.with.message ?? step.title
  ctx.log({ level: 'warn', message: `Waiting for the owner's approval: ${message}`, data: { approval: { message } } })
  return { status: 'waiting_approval' }
}
