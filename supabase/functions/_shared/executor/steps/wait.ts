/**
 * `wait`: sleeps until a deadline stored in the step's result, so a resumed run waits only for
 * what is left. A wait that outlasts this invocation's budget hands the run back.
 */
import { HandBack, sleep } from '../errors.ts'
import type { StepRunner } from './context.ts'

export const runWait: StepRunner<'wait'> = async (ctx) => {
  const { step } = ctx
  const stored = typeof ctx.previous?.deadline === 'string' ? Date.parse(ctx.previous.deadline) : Number.NaN
  const deadline = Number.isNaN(stored) ? ctx.now() + step.with.durationMs : stored
  if (Number.isNaN(stored)) {
    await ctx.remember({ deadline: new Date(deadline).toISOString() })
    await ctx.log({ message: `Waiting ${seconds(step.with.durationMs)}` })
  } else {
    await ctx.log({ message: `Resuming the wait: ${seconds(Math.max(0, deadline - ctx.now()))} left` })
  }
  const until = Math.min(deadline, ctx.handBackAt)
  // Timers may fire a little before the wall clock agrees, so sleep until it does.
  while (ctx.now() < until && !ctx.signal.aborted) await sleep(until - ctx.now(), ctx.signal)
  if (ctx.signal.aborted) throw ctx.signal.reason
  if (ctx.now() < deadline) throw new HandBack(`the wait ends after this invocation's budget`)
  await ctx.log({ message: `Waited ${seconds(step.with.durationMs)}` })
  return { status: 'succeeded' }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}
