/**
 * `wait`: sleeps until a deadline stored in the step's result, so a resumed run waits only for
 * what is left, and says how much that is. A wait that outlasts this invocation's budget hands the
 * run back; a cancel (or a lost lease) ends it at once, and it never reads as waited then.
 */
import { HandBack, sleep } from '../errors.ts'
import type { StepRunner } from './context.ts'

export const runWait: StepRunner<'wait'> = async (ctx) => {
  const { step } = ctx
  const total = step.with.durationMs
  const stored = typeof ctx.previous?.deadline === 'string' ? Date.parse(ctx.previous.deadline) : Number.NaN
  const resumed = !Number.isNaN(stored)
  const deadline = resumed ? stored : ctx.now() + total
  const left = Math.max(0, deadline - ctx.now())
  if (!resumed) {
    await ctx.remember({ deadline: new Date(deadline).toISOString() })
    await ctx.log({ message: `Waiting ${seconds(total)}` })
  } else if (left === 0) {
    await ctx.log({ message: `Resuming the wait: nothing left of ${seconds(total)}, it ended while the run was handed back` })
    return { status: 'succeeded' }
  } else {
    await ctx.log({ message: `Resuming the wait: ${seconds(left)} left of ${seconds(total)}` })
  }
  const until = Math.min(deadline, ctx.handBackAt)
  // Timers may fire a little before the wall clock agrees, so sleep until it does.
  while (ctx.now() < until && !ctx.signal.aborted) await sleep(until - ctx.now(), ctx.signal)
  if (ctx.signal.aborted) throw ctx.signal.reason
  if (ctx.now() < deadline) throw new HandBack(`the wait ends after this invocation's budget`)
  await ctx.log({ message: resumed ? `Waited the last ${seconds(left)} (${seconds(total)} in all)` : `Waited ${seconds(total)}` })
  return { status: 'succeeded' }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}
