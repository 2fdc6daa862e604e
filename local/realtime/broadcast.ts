/**
 * Broadcast from the database: `realtime.send()` writes a row to realtime.messages, whose trigger
 * NOTIFYs it (hosted Realtime reads the same rows from the WAL): the message itself when it fits
 * the notification, else its id, and those are fetched by id. Messages go in batches, in commit
 * order, and each is sent to the channels joined to its topic with the same
 * privacy (a private message only to private channels, a public one only to public channels):
 * `[null, null, "realtime:<topic>", "broadcast", {type: "broadcast", event, payload, meta: {id}}]`.
 *
 * Private channels were authorised at join (topic-access.ts). Hosted Realtime checks again only
 * when a new token arrives, and never holds a message for a check; the local stack also checks
 * again, for each (claims, topic) that has a message, when its last check (or its join) is older
 * than `recheckMs` (default 1 s), so a member removed from a workspace has their channel closed
 * with the reason at a message soon after, instead of receiving until the token expires, and a
 * busy run costs a check a second, not one per batch. So that a message does not wait for that
 * check, a (claims, topic) that had a message in the last `KEEP_CHECKED` rechecks is checked again
 * in the background before its check gets old: a run logging a line a second (or ten) never
 * waits, and a channel that hears nothing costs no check at all.
 *
 * A message over the payload limit (hosted Free: 256 KB) is not sent, as hosted Realtime does not
 * send it; the stack warns so the cause is visible.
 */
import type { Database, JwtClaims } from '../db/database.ts'
import { tokenProblems } from '../auth/live-tokens.ts'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'
import { mayReadTopic } from './topic-access.ts'
import { backgroundTimer, type BackgroundTimer } from '../timers.ts'

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

/** A check this old (a share of `recheckMs`) is made again in the background, ahead of time. */
const REFRESH_AHEAD = 0.75
/** How long (in `recheckMs`) a (claims, topic) stays checked ahead of time after its last message. */
const KEEP_CHECKED = 10

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isMessageHead(value: unknown): value is Omit<Message, 'payload'> {
  if (typeof value !== 'object' || value === null) return false
  const event: unknown = Reflect.get(value, 'event')
  return (
    typeof Reflect.get(value, 'id') === 'string' &&
    typeof Reflect.get(value, 'topic') === 'string' &&
    (event === null || typeof event === 'string') &&
    typeof Reflect.get(value, 'private') === 'boolean'
  )
}

const checkKey = (s: BroadcastSubscriber) => `${s.claimsKey}\u0000${s.name}`

export const readDenied = (topic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`

export class BroadcastFeed {
  private queue: string[] = []
  private draining: Promise<void> | undefined
  private unlisten: (() => Promise<void>) | undefined
  private closed = false
  /** Messages not sent for being over the payload limit. */
  oversized = 0
  /** When each (claims, topic) last passed its read check, ms since the epoch. */
  private passed = new Map<string, number>()
  /** When each (claims, topic) last had a message, ms since the epoch. */
  private heard = new Map<string, number>()
  /** The next check ahead of time of each (claims, topic) that had a message lately. */
  private ahead = new Map<string, BackgroundTimer>()
  /** Checks ahead of time under way (close waits for them). */
  private aheadChecks = new Set<Promise<void>>()

  constructor(
    private readonly db: Database,
    private readonly subscribers: () => Iterable<BroadcastSubscriber>,
    private readonly maxPayloadBytes: number,
    private readonly warn: (message: string) => void,
    private readonly recheckMs = 1000,
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

  /** A private channel's join passed its checks at `at` (ms since the epoch): its first message need not check again. */
  joined(claimsKey: string, topic: string, at: number): void {
    const key = `${claimsKey}\u0000${topic}`
    if (at > (this.passed.get(key) ?? 0)) this.passed.set(key, at)
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

  private async dispatch(notices: string[]): Promise<void> {
    const active = [...this.subscribers()].filter((s) => s.isActive() && s.broadcast)
    if (active.length === 0) return
    const read = notices.flatMap((notice) => this.readNotice(notice))
    const ids = read.filter((entry) => typeof entry === 'string')
    const fetched = new Map<string, Message>()
    if (ids.length > 0) {
      const { rows } = await this.db.query<Message>(
        `select m.id::text as id, m.topic, m.event, coalesce(m.payload, '{}'::jsonb)::text as payload, coalesce(m.private, false) as private
         from unnest($1::uuid[]) as k(id)
         join realtime.messages m on m.id = k.id`,
        [ids],
      )
      for (const row of rows) fetched.set(row.id, row)
    }
    const rows = read.flatMap((entry) => (typeof entry !== 'string' ? [entry] : (fetched.get(entry) ?? [])))
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

  /** A notification's message (its JSON header line, then its payload) or the id to fetch it by; nothing if unreadable. */
  private readNotice(notice: string): Array<Message | string> {
    const cut = notice.indexOf('\n')
    if (cut < 0) {
      if (UUID.test(notice)) return [notice]
    } else {
      const head: unknown = parseJson(notice.slice(0, cut))
      if (isMessageHead(head)) return [{ ...head, payload: notice.slice(cut + 1) }]
    }
    this.warn(`ignored a ${NOTIFY_CHANNEL} notification that is neither a message nor an id: ${notice.slice(0, 80)}`)
    return []
  }

  /**
   * The subscribers that may still receive: public channels, and private ones whose token still
   * has its user and session and whose claims still pass the topic's read policy. A check older
   * than `recheckMs` is made before the message goes, so no message goes on an older one; each
   * (claims, topic) that has a message is then kept checked ahead of time (keepChecked), so a
   * steady or slow stream does not wait for a check.
   */
  private async stillAllowed(subscribers: BroadcastSubscriber[], messages: Message[]): Promise<BroadcastSubscriber[]> {
    const privateTopics = new Set(messages.filter((m) => m.private).map((m) => m.topic))
    const at = Date.now()
    const guarded = subscribers.filter((s) => s.private && privateTopics.has(s.name))
    for (const s of guarded) {
      this.heard.set(checkKey(s), at)
      this.keepChecked(checkKey(s))
    }
    const checked = guarded.filter((s) => at - (this.passed.get(checkKey(s)) ?? 0) >= this.recheckMs)
    if (checked.length === 0) return subscribers
    const refused = await this.check(checked)
    return subscribers.filter((s) => !refused.has(s))
  }

  /**
   * Checks `key` again in the background shortly before its last check is `recheckMs` old, and
   * again after that while it had a message in the last `KEEP_CHECKED` rechecks; then stops (and
   * forgets the key) until its next message.
   */
  private keepChecked(key: string): void {
    if (this.closed || this.recheckMs <= 0 || this.ahead.has(key)) return
    const due = (this.passed.get(key) ?? 0) + this.recheckMs * REFRESH_AHEAD - Date.now()
    const timer = backgroundTimer(
      () => {
        const quiet = Date.now() - (this.heard.get(key) ?? 0) > this.recheckMs * KEEP_CHECKED
        const subscribers = quiet ? [] : [...this.subscribers()].filter((s) => s.isActive() && s.private && checkKey(s) === key)
        if (this.closed || subscribers.length === 0) {
          this.ahead.delete(key)
          this.heard.delete(key)
          this.passed.delete(key)
          return
        }
        const work: Promise<void> = this.check(subscribers)
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(() => {
            this.aheadChecks.delete(work)
            if (this.ahead.get(key) !== timer) return
            this.ahead.delete(key)
            if (this.passed.has(key)) this.keepChecked(key)
          })
        this.aheadChecks.add(work)
      },
      Math.max(0, due),
    )
    this.ahead.set(key, timer)
  }

  /** Checks the subscribers' sessions and read access now; answers those refused (their channels are closed). */
  private async check(checked: BroadcastSubscriber[]): Promise<Set<BroadcastSubscriber>> {
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
      const key = checkKey(s)
      let found = verdicts.get(key)
      if (!found) {
        found = mayReadTopic(this.db, s.claims, s.name).then(
          (read) => {
            if (read) this.passed.set(key, Date.now())
            else this.passed.delete(key)
            return read
          },
          (error: unknown) => {
            this.warn(`cannot check access to ${s.name}: ${errorMessage(error)}`)
            return false
          },
        )
        verdicts.set(key, found)
      }
      return found
    }
    const refused = new Set<BroadcastSubscriber>()
    await Promise.all(
      checked.map(async (s) => {
        const problem = endedByKey.get(s.claimsKey)
        if (problem !== undefined) {
          if (ended) s.revoke(`Invalid token: ${problem}`)
          this.passed.delete(checkKey(s))
          refused.add(s)
          return
        }
        if (await verdict(s)) return
        s.revoke(readDenied(s.name))
        refused.add(s)
      }),
    )
    return refused
  }

  async close(): Promise<void> {
    this.closed = true
    this.queue = []
    for (const timer of this.ahead.values()) timer.clear()
    this.ahead.clear()
    const unlisten = this.unlisten
    this.unlisten = undefined
    await unlisten?.().catch(() => {})
    await this.draining
    await Promise.all(this.aheadChecks)
  }
}
