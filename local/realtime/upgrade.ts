/**
 * The HTTP side of `/realtime/v1/websocket`: which upgrade requests are ours, and refusing a bad
 * one with a plain HTTP status before any WebSocket exists, as Supabase's gateway does for a
 * missing or invalid apikey.
 */
import type { IncomingMessage } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Verified } from '../jwt.ts'
import { authorize } from './auth.ts'
import type { Vsn } from './protocol.ts'
import { isVsn, SUPPORTED_VSN } from './protocol.ts'

const REALTIME_PATH = '/realtime/v1/websocket'

export function parseUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost')
  } catch {
    return undefined
  }
}

export function isRealtimeRequest(url: URL | undefined): url is URL {
  return url !== undefined && (url.pathname === REALTIME_PATH || url.pathname === `${REALTIME_PATH}/`)
}

export type UpgradeCheck = { ok: true; apikey: string; vsn: Vsn } | { ok: false; status: number; message: string }

export function checkUpgrade(req: IncomingMessage, url: URL, verify: (token: string) => Verified): UpgradeCheck {
  const header = req.headers.apikey
  const apikey = url.searchParams.get('apikey') ?? (typeof header === 'string' ? header : null)
  if (!apikey) return { ok: false, status: 401, message: 'No API key found in request: pass ?apikey=<anon or service_role key>' }
  const auth = authorize(verify, apikey)
  if (!auth.ok) return { ok: false, status: 401, message: `Invalid API key: ${auth.message}` }
  const vsn = url.searchParams.get('vsn') ?? '2.0.0'
  if (!isVsn(vsn)) return { ok: false, status: 400, message: `Unsupported vsn ${vsn}; use one of ${SUPPORTED_VSN.join(', ')}` }
  return { ok: true, apikey, vsn }
}

/** Answers the upgrade request with a JSON error and closes the connection. */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message })
  socket.on('error', () => {})
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  )
}
