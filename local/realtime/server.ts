/**
 * Supabase Realtime's postgres_changes and Broadcast from the database (with private channels
 * authorised by the RLS policies on realtime.messages), served on an existing HTTP server at
 * `/realtime/v1/websocket` so that the unmodified supabase-js client subscribes here exactly as it
 * does to hosted Supabase. Changes come from the bootstrap's NOTIFY triggers (not the WAL), and
 * each subscriber gets a change only if its JWT may SELECT the row, as real Realtime checks.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { Database } from '../db/database.ts'
import type { Verified } from '../jwt.ts'
import { tokenProblem } from '../auth/live-tokens.ts'
import { Catalog } from './catalog.ts'
import type { Channel } from './channel.ts'
import { CLOSE, Connection } from './connection.ts'
import type { ConnectionHost } from './connection.ts'
import { Dispatcher } from './dispatcher.ts'
import { ChangeFeed } from './feed.ts'
import { BroadcastFeed, FREE_PLAN_BROADCAST_BYTES } from './broadcast.ts'
import { RateAccount } from './rate-account.ts'
import { WatchedTables } from './watched-tables.ts'
import { topicAccess } from './topic-access.ts'
import { claimsKey } from './auth.ts'
import { checkUpgrade, isRealtimeRequest, parseUrl, rejectUpgrade } from './upgrade.ts'

export interface RealtimeOptions {
  db: Database
  verify: (token: string) => Verified
  /** Max bytes queued for one socket before it is disconnected (default 8 MiB). */
  maxBufferedBytes?: number
  /**
   * The project's cap on messages sent to clients per second (hosted: Free 100, Pro 500); a
   * socket whose message would go over it is disconnected. Default: no cap.
   */
  maxMessagesPerSecond?: number
  /** The largest Broadcast payload sent, in bytes (default hosted Free's 256 KB). */
  maxBroadcastBytes?: number
  /** How old a private channel's last read check may be before a message checks it again (default 1000 ms). */
  authorizationRecheckMs?: number
  /** Where problems that concern no single client go (default console.warn). */
  warn?: (message: string) => void
}

export interface RealtimeStats {
  /** Open sockets. */
  sockets: number
  /** Joined channels over all sockets. */
  channels: number
  /** Bytes written to sockets and not yet taken by their clients, summed. */
  bufferedBytes: number
  /** The largest backlog any one socket had right after a write; never above maxBufferedBytes. */
  peakBufferedBytes: number
  /** Sockets disconnected for not reading fast enough. */
  slowConsumers: number
  /** Changes and broadcasts received from the database and not yet dispatched. */
  backlog: number
  /** Messages sent to clients (changes and broadcasts), counted by the project's rate account. */
  messages: number
  /** The most messages sent in one second. */
  peakMessagesPerSecond: number
  /** Sockets disconnected for taking the project over its messages-per-second cap. */
  overRate: number
  /** Broadcasts not sent for being over the payload limit. */
  oversizedBroadcasts: number
}

export interface Realtime {
  close(): Promise<void>
  stats(): RealtimeStats
}

const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/** Client frames are small (joins, heartbeats, tokens); anything larger is refused by ws (1009). */
const MAX_FRAME_BYTES = 1024 * 1024

export async function attachRealtime(server: Server, options: RealtimeOptions): Promise<Realtime> {
  const { db, verify } = options
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
  const warn = options.warn ?? ((message: string) => console.warn(`[realtime] ${message}`))

  const catalog = new Catalog(db)
  const connections = new Set<Connection>()
  const subscribers = new Set<Channel>()
  let slowConsumers = 0
  let peakBufferedBytes = 0
  let closing = false
  let allClosed: (() => void) | undefined

  const watched = new WatchedTables(db)
  await watched.start()
  const dispatcher = new Dispatcher(db, catalog, () => subscribers, warn)
  const feed = new ChangeFeed(db, (changes) => dispatcher.dispatch(changes), warn)
  await feed.start()
  const rate = new RateAccount(options.maxMessagesPerSecond)
  const broadcasts = new BroadcastFeed(
    db,
    () => subscribers,
    options.maxBroadcastBytes ?? FREE_PLAN_BROADCAST_BYTES,
    warn,
    options.authorizationRecheckMs,
  )
  await broadcasts.start()

  const host: ConnectionHost = {
    catalog,
    verify,
    tokenProblem: (claims) => tokenProblem(db, claims),
    maxBufferedBytes,
    topicAccess: async (claims, topic) => {
      // The join's token was checked just before this: a pass now is a pass of both checks.
      const at = Date.now()
      const access = await topicAccess(db, claims, topic)
      if (access.read) broadcasts.joined(claimsKey(claims), topic, at)
      return access
    },
    rate,
    warn,
    watch: (bindings) => watched.acquire(bindings),
    unwatch: (bindings) => watched.release(bindings),
    register: (channel) => subscribers.add(channel),
    unregister: (channel) => {
      if (subscribers.delete(channel)) watched.release(channel.bindings)
    },
    slowConsumer: () => {
      slowConsumers++
    },
    closed: (connection) => {
      peakBufferedBytes = Math.max(peakBufferedBytes, connection.peakBufferedBytes)
      connections.delete(connection)
      if (connections.size === 0) allClosed?.()
    },
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false })

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parseUrl(req)
    // Other paths belong to other handlers (or to the stack's fallback): leave them untouched.
    if (!isRealtimeRequest(url)) return
    if (closing) {
      rejectUpgrade(socket, 503, 'Realtime is shutting down')
      return
    }
    const check = checkUpgrade(req, url, verify)
    if (!check.ok) {
      rejectUpgrade(socket, check.status, check.message)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closing) {
        ws.close(CLOSE.shutdown.code, CLOSE.shutdown.reason)
        return
      }
      connections.add(new Connection(ws, check.vsn, check.apikey, host))
    })
  }
  server.on('upgrade', onUpgrade)

  return {
    async close() {
      if (closing) return
      closing = true
      server.off('upgrade', onUpgrade)
      await feed.close()
      await broadcasts.close()
      const open = [...connections]
      if (connections.size > 0) {
        const done = new Promise<void>((resolve) => {
          allClosed = resolve
        })
        for (const connection of connections) connection.close(CLOSE.shutdown.code, CLOSE.shutdown.reason)
        await done
      }
      // A join still reading the catalog must finish before the caller closes the database.
      await Promise.all(open.map((connection) => connection.idle()))
      subscribers.clear()
      await watched.close()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
    stats() {
      let channels = 0
      let bufferedBytes = 0
      let peak = peakBufferedBytes
      for (const connection of connections) {
        channels += connection.channels.size
        bufferedBytes += connection.bufferedBytes
        peak = Math.max(peak, connection.peakBufferedBytes)
      }
      const counted = rate.stats()
      return {
        sockets: connections.size,
        channels,
        bufferedBytes,
        peakBufferedBytes: peak,
        slowConsumers,
        backlog: feed.backlog + broadcasts.backlog,
        messages: counted.messages,
        peakMessagesPerSecond: counted.peakPerSecond,
        overRate: counted.disconnected,
        oversizedBroadcasts: broadcasts.oversized,
      }
    },
  }
}
