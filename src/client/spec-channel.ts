/**
 * A workspace's private Broadcast topic of the Spec Kit, `workspace:<id>:spec`: reviews, comments
 * and proposals of its documents all go out there (each as its own event). The topic is opened once
 * per client, listening to every event, so each feature can listen to it without the first one to
 * open it deciding which events the others hear.
 */
import { joinSharedChannel, type SharedChannelListener } from './shared-channel.ts'
import type { OpsClient } from './supabase.ts'

export interface SpecChannelListener extends SharedChannelListener {
  /** One Broadcast message: its event (`review`, `comment`, …) and payload. */
  message(event: string, payload: unknown): void
}

/** Joins the workspace's Spec Kit topic (with the user's token, as a private channel needs); returns how to leave. */
export function joinSpecChannel(client: OpsClient, workspaceId: string, listener: SpecChannelListener): () => Promise<void> {
  const topic = `workspace:${workspaceId}:spec`
  let leave: (() => Promise<void>) | null = null
  let left = false
  void client.realtime
    .setAuth()
    // Without the token the join is refused and the listener hears CHANNEL_ERROR; reads still work.
    .catch(() => undefined)
    .then(() => {
      if (left) return
      leave = joinSharedChannel(
        client,
        topic,
        (each) =>
          client
            .channel(topic, { config: { private: true } })
            .on('broadcast', { event: '*' }, (message: { event?: unknown; payload?: unknown }) => {
              const event = typeof message.event === 'string' ? message.event : ''
              each((one) => one.message(event, message.payload))
            }),
        listener,
      )
    })
  return async () => {
    left = true
    await leave?.()
  }
}
