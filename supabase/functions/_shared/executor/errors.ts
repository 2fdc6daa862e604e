/**
 * Errors the executor tells apart: a lost lease (stop at once, write nothing), a database call
 * that failed for good, and the transient failures worth retrying.
 */

/** Another executor holds the run now (or it finished): this one must stop without writing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
}

/** A call to the database failed and retrying will not help; the message says which and why. */
export class StoreError extends Error {
  override name = 'StoreError'
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
  ) {
    super(message)
  }
}

/** A step failed; `reason` is one line that names what went wrong. */
export class StepFailedError extends Error {
  override name = 'StepFailedError'
  constructor(
    readonly stepId: string,
    readonly reason: string,
  ) {
    super(`step ${stepId} failed: ${reason}`)
  }
}

/** A step failed in a way another attempt cannot change (a refused request, a missing secret): no retry. */
export class StepRefusedError extends StepFailedError {
  override name = 'StepRefusedError'
}

export interface PostgrestLikeError {
  code?: string
  message: string
  details?: string | null
  hint?: string | null
}

// Serialization failures, deadlocks, connection loss, server shutting down, too many connections.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08004'])

/** Network failures (status 0), gateway and server errors, and known-transient SQLSTATEs. */
export function isTransient(status: number, error: PostgrestLikeError | null): boolean {
  if (status === 0) return true
  if (error?.code && TRANSIENT_SQLSTATES.has(error.code)) return true
  if (error?.code && /^PT\d{3}$/.test(error.code)) return false
  return status >= 500 || status === 429
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 100, capMs = 5_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt)
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })

/** The invocation's wall-clock budget is nearly spent: hand the run back and let another go on. */
export class HandBack extends Error {
  override name = 'HandBack'
}

/** The owner asked to cancel; the run stops at this safe point. */
export class RunCanceled extends Error {
  override name = 'RunCanceled'
}

/** The run's log reached its byte limit: the run stops (as failed) at this safe point. */
export class LogLimitReached extends Error {
  override name = 'LogLimitReached'
  constructor(
    readonly stepId: string,
    readonly limit: string,
  ) {
    super(`the run's log reached its limit of ${limit}; the run was stopped at step ${stepId}`)
  }
}
