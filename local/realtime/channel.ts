/**
 * A joined `realtime:<name>` channel on one socket: its bindings and the claims its RLS checks run
 * with. The claims change when the client sends a new access_token; when the token expires the
 * channel is closed, as real Realtime does, and so it is when the token's session ends or its user
 * is deleted (which hosted Realtime does not check), so a subscriber never outlives its credentials.
 */
import type { JwtClaims } from '../db/database.ts'
import type { Authorized } from './auth.ts'
import { claimsKey } from './auth.ts'
import type { Binding } from './binding.ts'
import type { Subscriber } from './dispatcher.ts'
import type { BroadcastSubscriber } from './broadcast.ts'
import type { Ref, Vsn } from './protocol.ts'
import { encodeRaw } from './protocol.ts'
import { backgroundTimer, type BackgroundTimer } from '../timers.ts'

export interface ChannelOwner {
  readonly vsn: Vsn
  /** Queues a frame on the socket; false when the socket is gone or was cut off. */
  send(text: string): boolean
  /** Sends a message the project's rate account counts (a change or a broadcast). */
  sendCounted(text: string): void
  /** The token no longer holds (expired, signed out, user deleted): close the channel with this system error. */
  revoke(channel: Channel, why: string): void
}

/** setTimeout's limit; a later expiry is simply not scheduled (such tokens are long-lived keys). */
const MAX_TIMER_MS = 2 ** 31 - 1

/** What a join asked for beyond postgres_changes. */
export interface ChannelMode {
  /** `config.private`: authorised by the RLS policies on realtime.messages. */
  private: boolean
  /** `config.broadcast` was given: the channel receives Broadcast messages for its topic. */
  broadcast: boolean
  /** Whether the policies let this user send on the topic (private channels only). */
  canWrite: boolean
}

export class Channel implements Subscriber, BroadcastSubscriber {
  token!: string
  claims!: JwtClaims
  claimsKey!: string
  private active = true
  private expiry: BackgroundTimer | undefined

  constructor(
    private readonly owner: ChannelOwner,
    readonly topic: string,
    readonly joinRef: Ref,
    readonly bindings: readonly Binding[],
    auth: Extract<Authorized, { ok: true }>,
    readonly mode: ChannelMode,
  ) {
    this.setAuth(auth)
  }

  get private(): boolean {
    return this.mode.private
  }

  get broadcast(): boolean {
    return this.mode.broadcast
  }

  /** The channel name without the `realtime:` prefix, as system messages carry it. */
  get name(): string {
    return this.topic.slice('realtime:'.length)
  }

  setAuth(auth: Extract<Authorized, { ok: true }>): void {
    this.token = auth.token
    this.claims = auth.claims
    this.claimsKey = claimsKey(auth.claims)
    this.expiry?.clear()
    this.expiry = undefined
    if (this.active) {
      const delay = Math.max(0, auth.expiresAt - Date.now())
      if (delay <= MAX_TIMER_MS) {
        this.expiry = backgroundTimer(() => this.owner.revoke(this, 'Token has expired'), delay)
      }
    }
  }

  isActive(): boolean {
    return this.active
  }

  deliver(ids: number[], dataJson: string): void {
    if (!this.active) return
    const payload = `{"ids":${JSON.stringify(ids)},"data":${dataJson}}`
    this.owner.sendCounted(encodeRaw(this.owner.vsn, null, null, this.topic, 'postgres_changes', payload))
  }

  deliverBroadcast(payloadJson: string): void {
    if (!this.active) return
    this.owner.sendCounted(encodeRaw(this.owner.vsn, null, null, this.topic, 'broadcast', payloadJson))
  }

  revoke(why: string): void {
    if (this.active) this.owner.revoke(this, why)
  }

  /** Stops delivery for good (leave, close, token failure, socket gone). */
  stop(): void {
    this.active = false
    this.expiry?.clear()
    this.expiry = undefined
  }
}
