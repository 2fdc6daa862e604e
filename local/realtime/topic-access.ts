/**
 * Realtime Authorization for a private channel, as hosted Realtime checks it when a client joins:
 * in one transaction that is always rolled back, a probe message for the topic is written, then,
 * as the joining user (role and request.jwt.claims) with `realtime.topic()` returning the topic,
 * the user may READ if the RLS SELECT policies on realtime.messages let them see the probe, and
 * may WRITE (send on the channel) if the INSERT policies let them add a message. Nothing is kept.
 */
import { roleSettingsSql, type Database, type JwtClaims } from '../db/database.ts'

export interface TopicAccess {
  read: boolean
  write: boolean
}

class Rollback extends Error {}

/** Whether `claims` may read and write the private channel `topic` (a join, a new token). */
export function topicAccess(db: Database, claims: JwtClaims, topic: string): Promise<TopicAccess> {
  return probeTopic(db, claims, topic, true)
}

/** Whether `claims` may still read the private channel `topic`: the recheck of a subscriber, which never sends. */
export async function mayReadTopic(db: Database, claims: JwtClaims, topic: string): Promise<boolean> {
  return (await probeTopic(db, claims, topic, false)).read
}

async function probeTopic(db: Database, claims: JwtClaims, topic: string, checkWrite: boolean): Promise<TopicAccess> {
  let access: TopicAccess = { read: false, write: false }
  try {
    await db.transaction(async (tx) => {
      const probe = await tx.query<{ id: string }>(
        "insert into realtime.messages (topic, extension, private) values ($1, 'broadcast', true) returning id::text as id",
        [topic],
      )
      await tx.query(roleSettingsSql(claims, { settings: { 'realtime.topic': topic } }))
      const read = await tx.query("select 1 from realtime.messages where id = $1::uuid and topic = $2 and extension = 'broadcast'", [
        probe.rows[0].id,
        topic,
      ])
      let write = false
      if (checkWrite) {
        await tx.query('savepoint write_check')
        try {
          await tx.query("insert into realtime.messages (topic, extension, private) values ($1, 'broadcast', true)", [topic])
          write = true
        } catch {
          await tx.query('rollback to savepoint write_check')
        }
      }
      access = { read: read.rows.length > 0, write }
      throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  return access
}
