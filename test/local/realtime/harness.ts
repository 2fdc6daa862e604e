/**
 * Realtime alone on a bare HTTP server over a fresh migrated database, with supabase-js clients
 * (the real one, over `ws`) and raw sockets for what the client never sends. Rows are written
 * straight into the database as the owner; tests wait for what they expect with generous polling
 * and never assert on timings.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createClient, REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { Database } from '../../../local/db/database.ts'
import { ANON_KEY, signJwt, verifyJwt } from '../../../local/jwt.ts'
import { attachRealtime, type Realtime } from '../../../local/realtime/server.ts'
import { createUser } from '../../support/actors.ts'
import { migratedDatabase, type Engine, type TestDatabase } from '../../support/databases.ts'

export interface Harness {
  engine: Engine
  db: Database
  realtime: Realtime
  server: Server
  /** http://127.0.0.1:<port> */
  url: string
  /** The realtime endpoint for raw sockets, with `apikey` (if given) and extra query parameters. */
  socketUrl(apikey?: string, params?: Record<string, string>): string
  /** A supabase-js client with `key` (anon by default); cleaned up by close(). */
  client(key?: string, realtime?: { vsn?: string }): SupabaseClient
  /** A raw ws client; closed by close(). */
  raw(apikey?: string, params?: Record<string, string>): RawSocket
  /** Cuts every realtime TCP connection from the server side, as a crash or network drop would. */
  dropSockets(): number
  /** Warnings realtime logged (instead of printing them); close() fails if there are any. */
  warnings: string[]
  close(): Promise<void>
}

export async function startHarness(
  engine: Engine,
  options: { maxBufferedBytes?: number; maxMessagesPerSecond?: number; maxBroadcastBytes?: number; authorizationRecheckMs?: number } = {},
): Promise<Harness> {
  const test: TestDatabase = await migratedDatabase(engine)
  const server: Server = createServer((_req, res) => {
    res.statusCode = 404
    res.end()
  })
  // The TCP sockets of realtime upgrades, so a test can cut them like a network failure would.
  const upgraded = new Set<Socket>()
  server.on('upgrade', (req, socket: Socket) => {
    if (!req.url?.startsWith('/realtime/')) return
    upgraded.add(socket)
    socket.on('close', () => upgraded.delete(socket))
  })
  const warnings: string[] = []
  const realtime = await attachRealtime(server, {
    db: test.db,
    verify: (token) => verifyJwt(token),
    maxBufferedBytes: options.maxBufferedBytes,
    maxMessagesPerSecond: options.maxMessagesPerSecond,
    maxBroadcastBytes: options.maxBroadcastBytes,
    authorizationRecheckMs: options.authorizationRecheckMs,
    warn: (message) => warnings.push(message),
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const clients: SupabaseClient[] = []
  const raws: RawSocket[] = []
  const socketUrl = (apikey?: string, params: Record<string, string> = {}) => {
    const query = new URLSearchParams({ ...(apikey !== undefined ? { apikey } : {}), ...params })
    return `${url.replace('http', 'ws')}/realtime/v1/websocket?${query}`
  }

  return {
    engine,
    db: test.db,
    realtime,
    server,
    url,
    socketUrl,
    warnings,
    client(key = ANON_KEY, realtimeOptions = {}) {
      const made = createClient(url, key, {
        realtime: { transport: WebSocket as never, ...realtimeOptions },
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      })
      clients.push(made)
      return made
    },
    raw(apikey = ANON_KEY, params) {
      const made = new RawSocket(socketUrl(apikey, params))
      raws.push(made)
      return made
    },
    dropSockets() {
      const count = upgraded.size
      for (const socket of upgraded) socket.destroy()
      return count
    },
    async close() {
      await Promise.all(
        clients.map(async (client) => {
          await client.removeAllChannels().catch(() => {})
          await client.realtime.disconnect().catch(() => {})
        }),
      )
      for (const raw of raws) raw.terminate()
      await realtime.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await test.drop()
      // Realtime warns only about problems no client was told about: none are expected here.
      if (warnings.length > 0) throw new Error(`realtime warned:\n${warnings.join('\n')}`)
    },
  }
}

// ---- Tokens and rows ---------------------------------------------------------------------------

export function userToken(userId: string, extra: Record<string, unknown> = {}): string {
  return signJwt({
    sub: userId,
    role: 'authenticated',
    aud: 'authenticated',
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...extra,
  })
}

export { createUser }

/** A run owned by `owner`, written as the table owner. */
export async function insertRun(db: Database, owner: string, title = 'Deploy web to staging'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into ops.runs (created_by, template_slug, kind, env, title) values ($1, 'deploy-web', 'deploy', 'staging', $2) returning id`,
    [owner, title],
  )
  return rows[0].id
}

/** Events `from..to` of a run in one transaction, with `data = {n: seq}` and an optional message. */
export async function insertEvents(db: Database, runId: string, from: number, to: number, message?: string): Promise<void> {
  await db.query(
    `insert into ops.run_events (run_id, seq, message, data)
     select $1, n, coalesce($4, 'line ' || n), jsonb_build_object('n', n, 'tags', jsonb_build_array('a', 'b'))
     from generate_series($2::int, $3::int) as n order by n`,
    [runId, from, to, message ?? null],
  )
}

export async function insertArtifact(db: Database, runId: string, title = 'Release notes', content = 'hello'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into ops.artifacts (run_id, kind, title, content) values ($1, 'file', $2, $3) returning id`,
    [runId, title, content],
  )
  return rows[0].id
}

// ---- Waiting -----------------------------------------------------------------------------------

/** Polls until `probe` returns something other than undefined/false; fails after `ms` with `what`. */
export async function waitFor<T>(probe: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Every status the channel reported, in order, with errors' messages. */
export interface Statuses {
  list: string[]
  errors: string[]
}

/**
 * Subscribes and resolves on SUBSCRIBED; rejects on CHANNEL_ERROR/TIMED_OUT/CLOSED before that.
 * The statuses keep being recorded afterwards (reconnects, closes).
 */
export function subscribe(channel: RealtimeChannel): Promise<Statuses> {
  const statuses: Statuses = { list: [], errors: [] }
  return new Promise((resolve, reject) => {
    let settled = false
    channel.subscribe((status, error) => {
      statuses.list.push(status)
      if (error) statuses.errors.push(error.message)
      if (settled) return
      if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
        settled = true
        resolve(statuses)
      } else {
        settled = true
        reject(Object.assign(new Error(`${status}: ${error?.message ?? ''}`), { statuses }))
      }
    })
  })
}

/** Subscribes expecting a failure; resolves with the statuses (error messages included). */
export function subscribeFailing(channel: RealtimeChannel): Promise<Statuses> {
  const statuses: Statuses = { list: [], errors: [] }
  return new Promise((resolve) => {
    channel.subscribe((status, error) => {
      statuses.list.push(status)
      if (error) statuses.errors.push(error.message)
      if (status !== REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve(statuses)
    })
  })
}

// ---- Raw sockets -------------------------------------------------------------------------------

export type Frame = [string | null, string | null, string, string, Record<string, unknown>]

/** A bare WebSocket speaking vsn 2.0.0 by hand, recording every frame it receives. */
export class RawSocket {
  readonly ws: WebSocket
  readonly frames: Frame[] = []
  readonly opened: Promise<void>
  closed: { code: number; reason: string } | undefined
  /** Set when the upgrade was refused: the HTTP status. */
  refusedStatus: number | undefined
  private ref = 0

  constructor(url: string) {
    this.ws = new WebSocket(url)
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('unexpected-response', (_req, res) => {
        this.refusedStatus = res.statusCode
        res.resume()
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`))
      })
      this.ws.once('error', reject)
    })
    this.opened.catch(() => {})
    this.ws.on('error', () => {})
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return
      const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8')
      this.frames.push(JSON.parse(text) as Frame)
    })
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) }
    })
  }

  nextRef(): string {
    return String(++this.ref)
  }

  sendText(text: string): void {
    this.ws.send(text)
  }

  /** Sends `[join_ref, ref, topic, event, payload]` with a fresh ref; returns the ref. */
  push(topic: string, event: string, payload: Record<string, unknown>, joinRef: string | null = null): string {
    const ref = this.nextRef()
    this.ws.send(JSON.stringify([joinRef ?? (event === 'phx_join' ? ref : null), ref, topic, event, payload]))
    return ref
  }

  /** Waits for the reply to `ref`. */
  reply(ref: string): Promise<{ status: string; response: Record<string, unknown> }> {
    return waitFor(() => {
      const frame = this.frames.find((f) => f[1] === ref && f[3] === 'phx_reply')
      return frame ? (frame[4] as { status: string; response: Record<string, unknown> }) : undefined
    }, `reply to ref ${ref}`)
  }

  /** Joins `topic` with postgres_changes bindings; resolves with the reply and the join ref. */
  async join(topic: string, bindings: Record<string, unknown>[], accessToken?: string) {
    const ref = this.push(topic, 'phx_join', {
      config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: bindings, private: false },
      ...(accessToken ? { access_token: accessToken } : {}),
    })
    return { joinRef: ref, reply: await this.reply(ref) }
  }

  /** The postgres_changes frames received on `topic`. */
  changes(topic: string): Frame[] {
    return this.frames.filter((f) => f[2] === topic && f[3] === 'postgres_changes')
  }

  terminate(): void {
    this.ws.terminate()
  }
}
