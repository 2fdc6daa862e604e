/**
 * Errors of the client layer: one Error class whose message says what failed and why, in words
 * a person can act on, with the server's code and HTTP status kept for code that branches on them.
 */
import type { RunRow } from './types.ts'
import { isRecord } from '../is-record.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export class OpsApiError extends Error {
  override readonly name = 'OpsApiError'
  constructor(
    message: string,
    /** PostgREST / Postgres error code (e.g. PT409, 42501, PGRST116), when the server gave one. */
    readonly code: string | null = null,
    /** HTTP status, when there was a response. */
    readonly status: number | null = null,
    /** startRun: the run that was created even though starting the executor failed. */
    readonly run: RunRow | null = null,
  ) {
    super(message)
  }
}

interface PostgrestLikeError {
  message?: string
  code?: string
  details?: string | null
  hint?: string | null
}

/** `"<what failed>: <why>"`, adding PostgREST's hint when it says what to do. */
export function postgrestError(what: string, error: PostgrestLikeError, status?: number): OpsApiError {
  const why = (error.message ?? '').trim() || 'unknown error'
  const hint = error.hint && !why.includes(error.hint) ? ` (${error.hint})` : ''
  const network = /fetch failed|Failed to fetch|NetworkError|Load failed/i.test(why)
    ? ' — the Supabase project could not be reached; check the connection and the project URL'
    : ''
  return new OpsApiError(`${what}: ${why}${hint}${network}`, error.code || null, status ?? null)
}

/** Reads the body of a functions-js error (FunctionsHttpError carries the Response as context). */
export async function functionError(what: string, error: unknown, run: RunRow | null = null): Promise<OpsApiError> {
  const name = isRecord(error) ? error.name : undefined
  const context = isRecord(error) ? error.context : undefined
  if (name === 'FunctionsHttpError' && context instanceof Response) {
    let detail = ''
    try {
      const text = await context.text()
      try {
        const body: unknown = JSON.parse(text)
        detail = isRecord(body) ? bodyText(body.error ?? body.message, text) : text
      } catch {
        detail = text
      }
    } catch {
      detail = context.statusText
    }
    return new OpsApiError(
      `${what}: the ops-executor function answered ${context.status}${detail ? `: ${detail}` : ''}`,
      null,
      context.status,
      run,
    )
  }
  if (name === 'FunctionsFetchError') {
    const cause = isRecord(context) && typeof context.message === 'string' ? context.message : undefined
    return new OpsApiError(`${what}: the ops-executor function could not be reached${cause ? ` (${cause})` : ''}`, null, null, run)
  }
  if (name === 'FunctionsRelayError') {
    return new OpsApiError(`${what}: the Supabase relay could not reach the ops-executor function`, null, null, run)
  }
  return new OpsApiError(`${what}: ${errorMessage(error)}`, null, null, run)
}

/** The function's own words from its JSON error body ({ error } or { message }), else the raw body. */
function bodyText(value: unknown, raw: string): string {
  if (value === undefined || value === null) return raw
  return typeof value === 'string' ? value : errorMessage(value)
}
