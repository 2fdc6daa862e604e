/** PostgREST's error body `{code, message, details, hint}` and its mapping of SQLSTATEs to HTTP. */
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  body() {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint }
  }
}

/** A request the local stack does not implement: say so rather than answer wrongly. */
export function unsupported(what: string, hint: string | null = null): RestError {
  return new RestError(400, 'PGRST127', `Feature not implemented by the local stack: ${what}`, null, hint)
}

export function parseError(param: string, problem: string, value: string): RestError {
  return new RestError(400, 'PGRST100', `"failed to parse ${param} parameter (${value})"`, problem)
}

/** Maps a database error (with its SQLSTATE `code`, `detail` and `hint`) to the status PostgREST would answer with. */
export function fromDatabaseError(error: unknown, role: string): RestError {
  const field = (name: 'code' | 'message' | 'detail' | 'hint'): string | undefined => {
    const value: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, name) : undefined
    return typeof value === 'string' ? value : undefined
  }
  const code = field('code') ?? 'XX000'
  return new RestError(statusFor(code, role), code, field('message') ?? errorMessage(error), field('detail') ?? null, field('hint') ?? null)
}

function statusFor(code: string, role: string): number {
  const custom = /^PT(\d{3})$/.exec(code)
  if (custom) return Number(custom[1])
  switch (code) {
    case '42501':
      return role === 'anon' ? 401 : 403
    case '23505':
    case '23503':
      return 409
    case '42P01':
    case '42883':
      return 404
    case '25006':
      return 405
    case '40001':
    case '40P01':
      return 409
    case '57014':
      return 504
  }
  if (code.startsWith('08') || code.startsWith('53') || code === '57P01') return 503
  if (code.startsWith('XX')) return 500
  return 400
}
