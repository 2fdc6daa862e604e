/**
 * The work one invocation may do before it hands its runs back: hosted, a request may use 2 s of
 * CPU (the worker is killed past it), and the worker retires after ~200 ms of CPU once its
 * requests end. The executor stops starting steps once the invocation has used `cpuBudgetMs` of
 * CPU where the runtime measures it, and in any case once it made `maxCalls` database calls or
 * ran `maxSteps` steps, so a kill by the CPU limit never cuts a run off mid-step.
 */

/** What an invocation spent, for its log line and its budget. */
export interface Spent {
  steps: number
  calls: number
  /** CPU used by this invocation (ms); null where the runtime does not measure it. */
  cpuMs: number | null
  wallMs: number
}

export interface BudgetLimits {
  /** CPU this invocation may use before handing back (ms); applies only where `cpuMs` is given. */
  cpuBudgetMs: number
  /** Database calls this invocation may make before handing back. */
  maxCalls: number
  /** Steps this invocation may run before handing back. */
  maxSteps: number
}

export const DEFAULT_LIMITS: BudgetLimits = { cpuBudgetMs: 1000, maxCalls: 600, maxSteps: 250 }

export class InvocationBudget {
  private steps = 0
  private readonly startCalls: number
  private readonly startCpu: number | undefined
  private readonly startWall: number

  constructor(
    private readonly limits: BudgetLimits,
    /** Database calls made so far (the store's count). */
    private readonly calls: () => number,
    /** CPU used so far by this process (ms), where the runtime offers it. */
    private readonly cpuMs: (() => number) | undefined,
    private readonly now: () => number,
  ) {
    this.startCalls = calls()
    this.startCpu = cpuMs?.()
    this.startWall = now()
  }

  /** A step is about to start. */
  stepStarted(): void {
    this.steps++
  }

  spent(): Spent {
    return {
      steps: this.steps,
      calls: this.calls() - this.startCalls,
      cpuMs: this.cpuMs && this.startCpu !== undefined ? Math.round(this.cpuMs() - this.startCpu) : null,
      wallMs: this.now() - this.startWall,
    }
  }

  /** Why no further step may start in this invocation, or undefined while the budget lasts. */
  exhausted(): string | undefined {
    const spent = this.spent()
    if (spent.cpuMs !== null && spent.cpuMs >= this.limits.cpuBudgetMs) {
      return `this invocation used ${spent.cpuMs} ms of CPU, its budget is ${this.limits.cpuBudgetMs} ms`
    }
    if (spent.calls >= this.limits.maxCalls)
      return `this invocation made ${spent.calls} database calls, its budget is ${this.limits.maxCalls}`
    if (spent.steps >= this.limits.maxSteps) return `this invocation ran ${spent.steps} steps, its budget is ${this.limits.maxSteps}`
    return undefined
  }
}
