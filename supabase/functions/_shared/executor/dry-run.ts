/**
 * The dry-run path every external call shares: say exactly what would be sent, and send nothing.
 * Authorization-like headers are hidden whatever they hold; secrets are masked by the writer.
 */

export interface OutgoingRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|x-api-key|apikey|cookie)$/i

function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, CREDENTIAL_HEADERS.test(key) ? '***' : value]))
}

/** The log line and event data for a request that is not sent. */
export function dryRunEvent(request: OutgoingRequest, reason: string) {
  const headers = redactHeaders(request.headers)
  const headerText = Object.entries(headers)
    .map(([key, value]) => `${key}: ${value}`)
    .join('; ')
  return {
    message:
      `DRY RUN (${reason}): would send ${request.method} ${request.url}` +
      (headerText ? ` with headers ${headerText}` : '') +
      (request.body !== undefined ? ` and body ${request.body}` : '') +
      '. Nothing was sent.',
    data: { dry_run: true, reason, request: { ...request, headers } },
  }
}
