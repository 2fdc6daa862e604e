/**
 * The dry-run path every external call shares: say exactly what would be sent, and send nothing.
 * Authorization-like headers are hidden whatever they hold; secrets are masked before anything
 * is cut, so a cut never leaves part of a secret; a long URL, header value or body is shown as a
 * preview that says how many bytes were left out, so a dry-run line stays a few KB.
 */
import { preview } from './log-bytes.ts'

export interface OutgoingRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

/** Characters of a request body shown in a dry-run line (its message and its data each). */
const DRY_RUN_BODY_CHARS = 4096
const DRY_RUN_URL_CHARS = 2048
const DRY_RUN_HEADER_CHARS = 1024

const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|x-api-key|apikey|cookie)$/i

function shownHeaders(headers: Record<string, string>, mask: (text: string) => string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, CREDENTIAL_HEADERS.test(key) ? '***' : preview(mask(value), DRY_RUN_HEADER_CHARS)]),
  )
}

/** A reference left unfilled (its secret is missing): `${{ secrets.SLACK_WEBHOOK_URL }}`, `${{ project.url }}`. */
const UNFILLED = /\$\{\{\s*(?:secrets\.([A-Za-z0-9_]+)|(project\.[A-Za-z0-9_]+))\s*\}\}/g

/** Shows an unfilled reference as the name of what is missing, `<SLACK_WEBHOOK_URL>`, never as template syntax. */
function named(text: string): string {
  return text.replace(UNFILLED, (_all, secret: string | undefined, project: string | undefined) => `<${secret ?? project}>`)
}

/** The log line and event data for a request that is not sent; `mask` hides the run's secrets. */
export function dryRunEvent(request: OutgoingRequest, reason: string, mask: (text: string) => string) {
  const shown = (text: string) => named(mask(text))
  const headers = shownHeaders(request.headers, shown)
  const url = preview(shown(request.url), DRY_RUN_URL_CHARS)
  const body = request.body === undefined ? undefined : preview(shown(request.body), DRY_RUN_BODY_CHARS)
  const headerText = Object.entries(headers)
    .map(([key, value]) => `${key}: ${value}`)
    .join('; ')
  return {
    message:
      `DRY RUN (${reason}): would send ${request.method} to ${url}` +
      (headerText ? ` with headers ${headerText}` : '') +
      (body !== undefined ? ` and body ${body}` : '') +
      '. Nothing was sent.',
    data: { dry_run: true, reason, request: { method: request.method, url, headers, ...(body === undefined ? {} : { body }) } },
  }
}
