/**
 * One Realtime channel per topic per client, shared by everyone in the client who listens to it.
 *
 * realtime-js keeps one channel per topic in a client (`client.channel(topic)` returns the one it
 * has), and a channel can be subscribed once: two listeners of the same topic must share it, and
 * the channel is removed only when the last of them leaves or the server closes it (an expired
 * token, a removed member), after which whoever joins next opens a new one.
 */
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel } from '@supabase/realtime-js'
import type { OpsClient } from './supabase.ts'

export interface SharedChannelListener {
  /** The channel's subscribe status (SUBSCRIBED, CHANNEL_ERROR, TIMED_OUT, CLOSED). */
  status(status: REALTIME_SUBSCRIBE_STATES): void
}

/** Calls `deliver` for each listener currently on the channel. */
export type EachListener<L> = (deliver: (listener: L) => void) => void

interface Shared {
  channel: RealtimeChannel
  listeners: Set<SharedChannelListener>
  status: REALTIME_SUBSCRIBE_STATES | undefined
}

const shared = new WeakMap<OpsClient, Map<string, Shared>>()

/**
 * Starts listening on `topic`; `open` makes the channel (its bindings) when this client has none
 * for the topic. Returns the function that stops listening (resolving once the channel is gone, if
 * this was the last listener).
 */
export function joinSharedChannel<L extends SharedChannelListener>(
  client: OpsClient,
  topic: string,
  open: (each: EachListener<L>) => RealtimeChannel,
  listener: L,
): () => Promise<void> {
  let byTopic = shared.get(client)
  if (!byTopic) {
    byTopic = new Map()
    shared.set(client, byTopic)
  }
  const topics = byTopic
  let entry = topics.get(topic)
  if (!entry) {
    // Whoever joins this topic later listens the same way (the topic decides the bindings).
    const listeners = new Set<L>()
    const each: EachListener<L> = (deliver) => {
      for (const one of [...listeners]) deliver(one)
    }
    const made: Shared = { channel: open(each), listeners, status: undefined }
    entry = made
    topics.set(topic, made)
    made.channel.subscribe((reported) => {
      if (topics.get(topic) !== made) return
      const status = subscribeState(reported)
      made.status = status
      if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) {
        topics.delete(topic)
        void client.removeChannel(made.channel).catch(() => undefined)
      }
      for (const one of [...made.listeners]) one.status(status)
    })
  } else if (entry.status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
    // Already live: this listener hears SUBSCRIBED as if it had just joined (and loads what it needs).
    const live = entry
    queueMicrotask(() => {
      if (live.listeners.has(listener) && live.status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED)
        listener.status(REALTIME_SUBSCRIBE_STATES.SUBSCRIBED)
    })
  }
  const joined = entry
  joined.listeners.add(listener)
  return async () => {
    joined.listeners.delete(listener)
    if (joined.listeners.size > 0 || topics.get(topic) !== joined) return
    topics.delete(topic)
    await client.removeChannel(joined.channel).catch(() => undefined)
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function subscribeState(status: `${REALTIME_SUBSCRIBE_STATES}`): REALTIME_SUBSCRIBE_STATES {
  return Object.values(REALTIME_SUBSCRIBE_STATES).find((state) => String(state) === status) ?? REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR
}
