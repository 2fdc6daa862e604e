/**
 * Broadcast from the database: `realtime.send()` writes a row to realtime.messages, whose trigger
 * NOTIFYs its id (hosted Realtime reads the same rows from the WAL). Messages are fetched by id in
 * batches, in commit order, and each is sent to the channels joined to its topic with the same
 * privacy (a private message only to private channels, a public one only to public channels):
 * `[null, null, "realtime:<topic>", "broadcast", {type: "broadcast", event, payload, meta: {id}}]`.
 *
 * Private channels were authorised at join (topic-access.ts). Hosted Realtime checks again only
 * when a new token arrives; the local stack also checks again once per batch for each (claims,
 * topic) that has a message, so a member removed from a workspace has their channel closed with the
 * reason at the next message instead of receiving until the token expires.
 *
 * A message over the payload limit (hosted Free: 256 KB) is not sent, as hosted Realtime does not
 * send it; the stack warns so the cause is visible.
 */
import type { Database, JwtClaims } from '../db/database.ts'
import { tokenProblems } from '../auth/live-tokens.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { topicAccess } from './topic-access.ts'

const NOTIFY_CHANNEL = 'local_realtime_broadcast'
/** Message ids fetched in one query. */
const MAX_BATCH = 200

/** Hosted Realtime's Free plan limit for one Broadcast payload: 256 KB. */
export const FREE_PLAN_BROADCAST_BYTES = 256 * 1000

/** A joined channel as Broadcast sees it. */
export interface BroadcastSubscriber {
  /** The channel name (topic without `realtime:`). */
  readonly name: string
  readonly private: boolean
  readonly claims: JwtClaims
  readonly claimsKey: string
  /** Whether the join asked for Broadcast (its config has a `broadcast` entry). */
  readonly broadcast: boolean
  isActive(): boolean
  deliverBroadcast(payloadJson: string): void
  revoke(why: string): void
}

interface Message {
  id: string
  topic: string
  event: string | null
  payload: string
  private: boolean
}

export const readDenied = (topic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`

export class BroadcastFeed {
  private queue: string[] = []
  private draining: Promise<void> | undefined
  private unlisten: (() => Promise<void>) | undefined
  private closed = false
  /** Messages not sent for being over the payload limit. */
  oversized = 0

  constructor(
    private readonly db: Database,
    private readonly subscribers: () => Iterable<BroadcastSubscriber>,
    private readonly maxPayloadBytes: number,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(NOTIFY_CHANNEL, (id) => {
      if (this.closed) return
      this.queue.push(id)
      this.draining ??= this.drain()
    })
  }

  get backlog(): number {
    return this.queue.length
  }

  private async drain(): Promise<void> {
    try {
      await new Promise((resolve) => setImmediate(resolve))
      while (this.queue.length > 0 && !this.closed) {
        const ids = this.queue.splice(0, MAX_BATCH)
        try {
          await this.dispatch(ids)
        } catch (error) {
          this.warn(`dropped ${ids.length} broadcast message(s): ${errorMessage(error)}`)
        }
      }
    } finally {
      this.draining = undefined
      if (this.queue.length > 0 && !this.closed) this.draining = this.drain()
    }
  }

  private async dispatch(ids: string[]): Promise<void> {
    const active = [...this.subscribers()].filter((s) => s.isActive() && s.broadcast)
    if (active.length === 0) return
    const { rows } = await this.db.query<Message>(
      `select m.id::text as id, m.topic, m.event, coalesce(m.payload, '{}'::jsonb)::text as payload, coalesce(m.private, false) as private
       from unnest($1::uuid[]) with ordinality as k(id, ord)
       join realtime.messages m on m.id = k.id
       order by k.ord`,
      [ids],
    )
    const topics = new Set(rows.map((m) => m.topic))
    const interested = active.filter((s) => topics.has(s.name))
    if (interested.length === 0) return
    const allowed = await this.stillAllowed(interested, rows)
    for (const message of rows) {
      const targets = allowed.filter((s) => s.name === message.topic && s.private === message.private)
      if (targets.length === 0) continue
      const json =
        `{"type":"broadcast","event":${JSON.stringify(message.event ?? '')},` +
        `"payload":${message.payload},"meta":{"id":${JSON.stringify(message.id)}}}`
      if (Buffer.byteLength(message.payload) > this.maxPayloadBytes) {
        this.oversized++
        this.warn(
          `broadcast ${message.event ?? ''} on ${message.topic} not sent: its payload is ${Buffer.byteLength(message.payload)} bytes, ` +
            `over the limit of ${this.maxPayloadBytes}`,
        )
        continue
      }
      for (const subscriber of targets) if (subscriber.isActive()) subscriber.deliverBroadcast(json)
    }
  }

  /**
   * The subscribers that may still receive: public channels, and private ones whose token still
   * has its user and session and whose claims still pass the topic's read policy.
   */
  private async stillAllowed(subscribers: BroadcastSubscriber[], messages: Message[]): Promise<BroadcastSubscriber[]> {
    const privateTopics = new Set(messages.filter((m) => m.private).map((m) => m.topic))
    const checked = subscribers.filter((s) => s.private && privateTopics.has(s.name))
    if (checked.length === 0) return subscribers
    const claims = [...new Map(checked.map((s) => [s.claimsKey, s.claims])).values()]
    const ended = await tokenProblems(this.db, claims).catch((error: unknown) => {
      this.warn(`cannot check the subscribers' sessions: ${errorMessage(error)}`)
      return undefined
    })
    const endedByKey = new Map<string, string>()
    claims.forEach((c, index) => {
      const problem = ended ? ended.get(index) : 'the check failed'
      if (problem !== undefined) endedByKey.set(checked.find((s) => s.claims === c)!.claimsKey, problem)
    })
    const verdicts = new Map<string, Promise<boolean>>()
    const verdict = (s: BroadcastSubscriber) => {
      const key = `${s.claimsKey}\u0000${s.name}`
      let found = verdicts.get(key)
      if (!found) {
        found = topicAccess(this.db, s.claims, s.name).then(
          (access) => access.read,
          (error: unknown) => {
            this.warn(`cannot check access to ${s.name}: ${errorMessage(error)}`)
            return false
          },
        )
        verdicts.set(key, found)
      }
      return found
    }
    const keep = await Promise.all(
      subscribers.map(async (s) => {
        if (!s.private || !privateTopics.has(s.name)) return true
        const problem = endedByKey.get(s.claimsKey)
        if (problem !== undefined) {
          if (ended) s.revoke(`Invalid token: ${problem}`)
          return false
        }
        if (await verdict(s)) return true
        s.revoke(readDenied(s.name))
        return false
      }),
    )
    return subscribers.filter((_, index) => keep[index])
  }

  async close(): Promise<void> {
    this.closed = true
    this.queue = []
    const unlisten = this.unlisten
    this.unlisten = undefined
    await unlisten?.().catch(() => {})
    await this.draining
  }
}
