/**
 * Sending a step's request to the outside world. A bound secret goes only to the hosts its
 * binding names: checked before the request leaves, and again before every redirect hop. Hops
 * are followed by hand (at most five) with fetch's own rules: 303, and 301/302 after a POST,
 * continue as a GET without a body, and a hop to another origin drops the Authorization header.
 * Every hop, with or without secrets, must also pass the address policy (egress-policy.ts): no
 * loopback, private, link-local, metadata… address unless OPS_EGRESS_ALLOW lets it through.
 */
import type { OutgoingRequest } from './dry-run.ts'
import { addressRefusal, EGRESS_ALLOW_SETTING, type EgressPolicy } from './egress-policy.ts'

export const MAX_REDIRECTS = 5

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
// Fetch's request-body-header names, dropped with the body when a redirect turns the request into a GET.
const BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'])

/** A secret filled into the request, and the hosts its binding lets it go to. */
export interface CarriedSecret {
  name: string
  hosts: readonly string[]
}

/** The request was not sent (or a redirect not followed); the message says why. */
export class EgressRefused extends Error {
  override name = 'EgressRefused'
}

export interface SendOptions {
  fetch: typeof fetch
  signal?: AbortSignal
  /** The secrets the request carries; empty for a request without any. */
  secrets: readonly CarriedSecret[]
  /** Where any request may go: checked before the request and before every redirect hop. */
  policy: EgressPolicy
  maxRedirects?: number
}

export interface Sent {
  response: Response
  /** The URL that answered: the request's own, or the last redirect's. */
  url: string
  /** The redirects followed, in order. */
  redirects: string[]
}

/** Why `url` may not receive the secrets, or undefined when every secret's binding allows its host. */
export function hostRefusal(url: URL, secrets: readonly CarriedSecret[]): string | undefined {
  const host = url.hostname.toLowerCase()
  for (const secret of secrets) {
    if (!secret.hosts.includes(host)) {
      const allowed = secret.hosts.length > 0 ? secret.hosts.join(', ') : 'no host'
      return `secret ${secret.name} may be sent only to ${allowed}, not to ${host}`
    }
  }
  return undefined
}

function httpUrl(text: string, what: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new EgressRefused(`${what} "${text}" is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressRefused(`${what} "${text}" is not an http(s) URL`)
  return url
}

/** Sends `request`, following redirects by hand and checking every hop's host before it is sent. */
export async function send(request: OutgoingRequest, options: SendOptions): Promise<Sent> {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS
  const secrets = options.secrets
  let url = httpUrl(request.url, 'the URL')
  let method = request.method.toUpperCase()
  let headers: Record<string, string> = { ...request.headers }
  let body = request.body
  const redirects: string[] = []
  for (;;) {
    const refused = hostRefusal(url, secrets)
    if (refused) {
      throw new EgressRefused(
        redirects.length === 0
          ? `${refused}; nothing was sent`
          : `${request.method} ${request.url} redirected to ${url.href}: ${refused}; the redirect was not followed`,
      )
    }
    const unreachable = await addressRefusal(url, options.policy, options.signal)
    if (unreachable) {
      const allowIt = `allow it with ${EGRESS_ALLOW_SETTING}`
      throw new EgressRefused(
        redirects.length === 0
          ? `${request.method} ${url.href} refused: ${unreachable}; nothing was sent (${allowIt})`
          : `${request.method} ${request.url} redirected to ${url.href}: ${unreachable}; the redirect was not followed (${allowIt})`,
      )
    }
    const response = await options.fetch(url.href, { method, headers, body, signal: options.signal, redirect: 'manual' })
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null
    if (location === null) return { response, url: url.href, redirects }
    await response.body?.cancel().catch(() => {})
    if (redirects.length >= maxRedirects) {
      throw new EgressRefused(`${request.method} ${request.url} redirected more than ${maxRedirects} times (last to ${url.href})`)
    }
    let next: URL
    try {
      next = new URL(location, url)
    } catch {
      throw new EgressRefused(`${url.href} redirected to "${location}", which is not a URL`)
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new EgressRefused(`${url.href} redirected to "${next.href}", which is not an http(s) URL`)
    }
    if (secrets.length > 0 && url.protocol === 'https:' && next.protocol === 'http:') {
      throw new EgressRefused(
        `${url.href} redirected to ${next.href}: a request carrying secret ${secrets.map((s) => s.name).join(', ')} is not sent over plain http; the redirect was not followed`,
      )
    }
    if ((response.status === 303 && method !== 'GET' && method !== 'HEAD') || ([301, 302].includes(response.status) && method === 'POST')) {
      method = 'GET'
      body = undefined
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !BODY_HEADERS.has(name.toLowerCase())))
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'))
    }
    redirects.push(next.href)
    url = next
  }
}
