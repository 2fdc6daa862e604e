/**
 * One client socket: decodes its frames, answers heartbeats, joins, leaves and token updates, and
 * writes everything the dispatcher sends it, within a byte budget.
 *
 * Messages (other than heartbeats) are handled one at a time in arrival order, because a join
 * needs database reads and the client relies on order: an access_token sent before a join must be
 * in effect by the time that join is answered.
 *
 * Memory: outgoing frames are written straight into the socket. Before each write the socket's
 * backlog (ws.bufferedAmount: bytes not yet taken by the kernel) plus the frame is checked against
 * the budget; a client that does not keep up is disconnected ("slow consumer") and its backlog
 * dropped, so one stalled reader can never make the server buffer without bound.
 */
import type { WebSocket, RawData } from 'ws'
import type { Verified } from '../jwt.ts'
import type { JwtClaims } from '../db/database.ts'
import { authorize, type Authorized } from './auth.ts'
import type { Catalog } from './catalog.ts'
import type { Binding } from './binding.ts'
import { Channel } from './channel.ts'
import { readDenied } from './broadcast.ts'
import type { RateAccount } from './rate-account.ts'
import type { TopicAccess } from './topic-access.ts'
import type { ChannelOwner } from './channel.ts'
import { readJoinConfig } from './join.ts'
import type { Message, Ref, Vsn } from './protocol.ts'
import { binaryPushRefs, decode, encode } from './protocol.ts'
import { backgroundTimer, type BackgroundTimer } from '../timers.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

export interface ConnectionHost {
  readonly catalog: Catalog
  readonly verify: (token: string) => Verified
  /** Why a verified token's user or session is gone (deleted, signed out), or undefined. */
  readonly tokenProblem: (claims: JwtClaims) => Promise<string | undefined>
  readonly maxBufferedBytes: number
  /** Realtime Authorization: what the RLS policies on realtime.messages let these claims do on a topic. */
  readonly topicAccess: (claims: JwtClaims, topic: string) => Promise<TopicAccess>
  /** The project's message-rate account. */
  readonly rate: RateAccount
  /** Makes sure the changes these bindings want are reported from now on (resolves once they are). */
  watch(bindings: readonly Binding[]): Promise<void>
  /** A join that called watch() failed: its bindings are no longer wanted. */
  unwatch(bindings: readonly Binding[]): void
  /** A joined channel; its bindings (watched already) are released when it is unregistered. */
  register(channel: Channel): void
  unregister(channel: Channel): void
  slowConsumer(connection: Connection): void
  closed(connection: Connection): void
  warn(message: string): void
}

/** Close codes and reasons the client (and whoever reads its logs) sees. */
export const CLOSE = {
  slowConsumer: { code: 1013, reason: 'slow consumer' },
  flooding: { code: 1008, reason: 'too many messages in flight' },
  overRate: { code: 1008, reason: 'too many messages per second' },
  shutdown: { code: 1001, reason: 'server shutting down' },
  internal: { code: 1011, reason: 'internal error' },
} as const

/** Messages waiting to be handled on one socket before it is considered abusive. */
const MAX_PENDING_MESSAGES = 200
const MAX_CHANNELS = 100
/** How long a closing socket may take to flush its close frame before it is cut. */
const CLOSE_GRACE_MS = 1000

export class Connection implements ChannelOwner {
  readonly channels = new Map<string, Channel>()
  /** The largest backlog (bytes) this socket ever had right after a write. */
  peakBufferedBytes = 0
  private state: 'open' | 'closing' | 'closed' = 'open'
  private work: Promise<void> = Promise.resolve()
  private pending = 0
  private killTimer: BackgroundTimer | undefined

  constructor(
    private readonly ws: WebSocket,
    readonly vsn: Vsn,
    private readonly apikey: string,
    private readonly host: ConnectionHost,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary))
    ws.on('close', () => this.onClose())
    // ws reports protocol errors (bad frames, oversized messages) here and then closes the
    // socket with a matching close code; the close handler does the cleanup.
    ws.on('error', () => {})
  }

  /** Resolves once the messages received so far have been handled (joins read the database). */
  idle(): Promise<void> {
    return this.work
  }

  /** Bytes written to this socket that the client has not taken yet. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount
  }

  send(text: string): boolean {
    if (this.state !== 'open' || this.ws.readyState !== this.ws.OPEN) return false
    const backlog = this.ws.bufferedAmount + Buffer.byteLength(text)
    if (backlog > this.host.maxBufferedBytes) {
      this.host.slowConsumer(this)
      this.close(CLOSE.slowConsumer.code, CLOSE.slowConsumer.reason)
      return false
    }
    try {
      this.ws.send(text)
    } catch (error) {
      this.host.warn(`cannot write to a socket: ${errorMessage(error)}`)
      this.close(CLOSE.internal.code, CLOSE.internal.reason)
      return false
    }
    this.peakBufferedBytes = Math.max(this.peakBufferedBytes, this.ws.bufferedAmount)
    return true
  }

  /** Sends a message the project's rate account counts; past the cap the socket is disconnected. */
  sendCounted(text: string): void {
    if (this.state !== 'open') return
    if (this.host.rate.take()) {
      this.send(text)
      return
    }
    this.host.rate.disconnect()
    const why = `Too many messages per second: the project's cap is ${this.host.rate.cap}`
    for (const channel of this.channels.values()) {
      this.send(
        encode(this.vsn, channel.joinRef, null, channel.topic, 'system', {
          channel: channel.name,
          extension: 'system',
          status: 'error',
          message: why,
        }),
      )
    }
    this.close(CLOSE.overRate.code, CLOSE.overRate.reason)
  }

  /** Closes the socket; once closing, nothing more is queued and the backlog is dropped. */
  close(code: number, reason: string): void {
    if (this.state !== 'open') return
    this.state = 'closing'
    this.stopChannels()
    this.ws.close(code, reason)
    // The close frame sits behind the backlog; a reader that never reads it is cut off.
    this.killTimer = backgroundTimer(() => this.ws.terminate(), CLOSE_GRACE_MS)
  }

  revoke(channel: Channel, why: string): void {
    if (this.channels.get(channel.topic) === channel) this.closeChannel(channel, why)
  }

  private onClose(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.killTimer?.clear()
    this.stopChannels()
    this.host.closed(this)
  }

  private stopChannels(): void {
    for (const channel of this.channels.values()) this.removeChannel(channel)
  }

  private removeChannel(channel: Channel): void {
    channel.stop()
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic)
    this.host.unregister(channel)
  }

  private reply(message: { joinRef: Ref; ref: Ref; topic: string }, status: 'ok' | 'error', response: Record<string, unknown>): void {
    // A push without a ref expects no reply.
    if (message.ref === null) return
    this.send(encode(this.vsn, message.joinRef, message.ref, message.topic, 'phx_reply', { status, response }))
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.state !== 'open') return
    try {
      this.readFrame(data, isBinary)
    } catch (error) {
      // A bug here must cost this socket, never the process.
      this.host.warn(`closing a socket after an internal error: ${errorMessage(error)}`)
      this.close(CLOSE.internal.code, CLOSE.internal.reason)
    }
  }

  private readFrame(data: RawData, isBinary: boolean): void {
    const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
    if (isBinary) {
      // vsn 2.0.0 clients only send binary frames for broadcast, which this server does not relay.
      const refs = binaryPushRefs(buffer)
      if (refs && refs.ref !== '') {
        this.reply(refs, 'error', { reason: this.sendRefusal(refs.topic, true) })
      }
      return
    }
    const decoded = decode(buffer.toString('utf8'), this.vsn)
    if (!decoded.ok) {
      if (decoded.ref !== undefined && decoded.ref !== null) {
        this.reply({ joinRef: decoded.joinRef ?? null, ref: decoded.ref, topic: decoded.topic ?? 'phoenix' }, 'error', {
          reason: `malformed message: ${decoded.reason}`,
        })
      }
      return
    }
    const message = decoded.message
    if (message.topic === 'phoenix' && message.event === 'heartbeat') {
      // Answered at once, not behind a join that waits on the database: a late heartbeat reply
      // makes the client drop the connection.
      this.reply(message, 'ok', {})
      return
    }
    if (this.pending >= MAX_PENDING_MESSAGES) {
      this.close(CLOSE.flooding.code, CLOSE.flooding.reason)
      return
    }
    this.pending++
    this.work = this.work
      .then(() => this.handle(message))
      .catch((error) => this.host.warn(`realtime message ${message.event} on ${message.topic} failed: ${errorMessage(error)}`))
      .finally(() => {
        this.pending--
      })
  }

  private async handle(message: Message): Promise<void> {
    if (this.state !== 'open') return
    if (message.topic === 'phoenix') {
      this.reply(message, 'error', { reason: `unknown event "${message.event}" on topic phoenix` })
      return
    }
    switch (message.event) {
      case 'phx_join':
        return this.join(message)
      case 'phx_leave': {
        const channel = this.channels.get(message.topic)
        if (channel) this.removeChannel(channel)
        this.reply(message, 'ok', {})
        return
      }
      case 'access_token':
        return this.accessToken(message)
      default:
        if (!this.channels.has(message.topic)) {
          this.reply(message, 'error', { reason: 'unmatched topic' })
        } else if (message.event === 'broadcast') {
          this.reply(message, 'error', { reason: this.sendRefusal(message.topic) })
        } else {
          this.reply(message, 'error', {
            reason: `event "${message.event}" is not supported by the local stack (it serves postgres_changes only)`,
          })
        }
    }
  }

  /** Why a client's own broadcast on `topic` is not relayed (binary: sent as a vsn 2.0.0 binary frame). */
  private sendRefusal(topic: string, binary = false): string {
    const channel = this.channels.get(topic)
    if (channel?.private && !channel.mode.canWrite) {
      return `Unauthorized: You do not have permissions to write to this Channel topic: ${channel.name}`
    }
    return binary
      ? 'binary frames (broadcast) are not supported by the local stack; it relays Broadcast from the database only'
      : 'broadcast from clients is not supported by the local stack; it relays Broadcast from the database only'
  }

  private async join(message: Message): Promise<void> {
    const { topic, payload } = message
    if (!topic.startsWith('realtime:') || topic === 'realtime:') {
      this.reply(message, 'error', { reason: 'unmatched topic' })
      return
    }
    if (!this.channels.has(topic) && this.channels.size >= MAX_CHANNELS) {
      this.reply(message, 'error', { reason: `at most ${MAX_CHANNELS} channels per connection` })
      return
    }
    // Joining a topic again (the client's rejoin) replaces the earlier subscription, even when the
    // new join fails: the client no longer listens to the old one.
    const previous = this.channels.get(topic)
    if (previous) this.removeChannel(previous)
    const token = typeof payload.access_token === 'string' && payload.access_token !== '' ? payload.access_token : this.apikey
    const auth = await this.authorizeLive(token)
    if (this.state !== 'open') return
    if (!auth.ok) {
      this.reply(message, 'error', { reason: auth.message })
      return
    }
    let config: Awaited<ReturnType<typeof readJoinConfig>>
    try {
      config = await readJoinConfig(payload, this.host.catalog)
    } catch (error) {
      config = { ok: false, reason: `cannot subscribe right now: ${errorMessage(error)}` }
    }
    if (this.state !== 'open') return
    if (!config.ok) {
      this.reply(message, 'error', { reason: config.reason })
      return
    }
    let access = { read: true, write: false }
    if (config.private) {
      try {
        access = await this.host.topicAccess(auth.claims, topic.slice('realtime:'.length))
      } catch (error) {
        access = { read: false, write: false }
        this.host.warn(`cannot authorise ${topic}: ${errorMessage(error)}`)
      }
      if (this.state !== 'open') return
      if (!access.read) {
        this.reply(message, 'error', { reason: readDenied(topic.slice('realtime:'.length)) })
        return
      }
    }
    try {
      await this.host.watch(config.bindings)
    } catch (error) {
      this.host.unwatch(config.bindings)
      if (this.state === 'open') this.reply(message, 'error', { reason: `cannot subscribe right now: ${errorMessage(error)}` })
      return
    }
    if (this.state !== 'open') {
      this.host.unwatch(config.bindings)
      return
    }
    const joinRef = message.joinRef ?? message.ref
    const channel = new Channel(this, topic, joinRef, config.bindings, auth, {
      private: config.private,
      broadcast: config.broadcast,
      canWrite: access.write,
    })
    this.channels.set(topic, channel)
    // Registered before the reply: the client calls itself SUBSCRIBED on the reply, and any
    // change committed after that must reach it.
    this.host.register(channel)
    this.reply(message, 'ok', { postgres_changes: config.bindings.map((b) => ({ ...b.reply, id: b.id })) })
    if (config.bindings.length > 0) {
      this.send(
        encode(this.vsn, joinRef, null, topic, 'system', {
          channel: channel.name,
          extension: 'postgres_changes',
          status: 'ok',
          message: 'Subscribed to PostgreSQL',
        }),
      )
    }
  }

  private async accessToken(message: Message): Promise<void> {
    const channel = this.channels.get(message.topic)
    if (!channel) {
      this.reply(message, 'error', { reason: 'unmatched topic' })
      return
    }
    const token = message.payload.access_token
    // Only a token replaces a token; a client without one (never signed in) sends nothing useful.
    if (typeof token !== 'string' || token === '' || token === channel.token) return
    const auth = await this.authorizeLive(token)
    if (this.channels.get(message.topic) !== channel) return
    if (!auth.ok) {
      this.closeChannel(channel, auth.message)
      return
    }
    if (channel.private) {
      // As hosted Realtime does: a new token is authorised again for the channel's topic.
      const access = await this.host.topicAccess(auth.claims, channel.name).catch(() => ({ read: false, write: false }))
      if (this.channels.get(message.topic) !== channel) return
      if (!access.read) {
        this.closeChannel(channel, readDenied(channel.name))
        return
      }
      channel.mode.canWrite = access.write
    }
    channel.setAuth(auth)
  }

  /** A valid token whose user and session (if it names one) still exist. */
  private async authorizeLive(token: string): Promise<Authorized> {
    const auth = authorize(this.host.verify, token)
    if (!auth.ok) return auth
    try {
      const problem = await this.host.tokenProblem(auth.claims)
      return problem === undefined ? auth : { ok: false, message: `Invalid token: ${problem}` }
    } catch (error) {
      return { ok: false, message: `cannot check the token right now: ${errorMessage(error)}` }
    }
  }

  /** Tells the client why, then closes the channel (the client reports CLOSED). */
  private closeChannel(channel: Channel, why: string): void {
    this.removeChannel(channel)
    this.send(
      encode(this.vsn, channel.joinRef, null, channel.topic, 'system', {
        channel: channel.name,
        extension: 'system',
        status: 'error',
        message: why,
      }),
    )
    this.send(encode(this.vsn, channel.joinRef, null, channel.topic, 'phx_close', {}))
  }
}
