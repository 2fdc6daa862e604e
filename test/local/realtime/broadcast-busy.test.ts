/**
 * A busy run within hosted Free's Realtime quota: the executor's real writer logging 200 lines/s,
 * watched by three RunStreams over the local stack capped at 100 messages/s for the project, as
 * hosted Free is. One Broadcast per batch keeps the project under the cap, where one
 * postgres_changes message per line per viewer (600/s) would have its sockets dropped; and each
 * viewer ends with the whole log, gap-free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { engines } from '../../support/databases.ts'
import { memoryStorage, startTestStack, type TestStack } from '../../support/stack.ts'
import { waitFor } from '../../support/executor.ts'
import { createOpsApi } from '../../../src/client/api.ts'
import { openRunStream } from '../../../src/client/run-stream.ts'
import { createOpsClient, type OpsClient } from '../../../src/client/supabase.ts'
import type { RunStreamHandle } from '../../../src/client/types.ts'
import { EventWriter } from '../../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../../supabase/functions/_shared/executor/store.ts'
import { FREE_PLAN_MESSAGES_PER_SECOND } from '../../../local/realtime/rate-account.ts'

const LINES_PER_SECOND = 200
const SECONDS = 2
const VIEWERS = 3

describe.each(engines)('a busy run under the Free plan’s message cap on %s', (engine) => {
  let stack: TestStack
  const clients: OpsClient[] = []
  beforeAll(async () => {
    stack = await startTestStack(engine, { realtimeMessagesPerSecond: FREE_PLAN_MESSAGES_PER_SECOND })
  })
  afterAll(async () => {
    for (const made of clients) {
      await made.removeAllChannels()
      await made.realtime.disconnect()
    }
    await stack.stop()
  })

  it(`keeps ${VIEWERS} viewers of a run logging ${LINES_PER_SECOND} lines/s connected, each with the whole log`, async () => {
    const owner = createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
    clients.push(owner)
    const { error } = await owner.auth.signInAnonymously()
    expect(error).toBeNull()
    const { data: run, error: insertError } = await owner
      .from('runs')
      .insert({ template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'Busy run' })
      .select('id')
      .single()
    expect(insertError).toBeNull()
    const service = stack.client(stack.serviceRoleKey)
    const claimed = await service.rpc('claim_run', { p_worker: 'busy', p_run_id: run!.id, p_lease_seconds: 3600 })
    expect(claimed.error).toBeNull()

    // The owner's session in three clients, as three open plugin windows would hold it.
    const streams: RunStreamHandle[] = []
    for (let i = 0; i < VIEWERS; i++) {
      const viewer =
        i === 0
          ? owner
          : createOpsClient({ supabaseUrl: stack.url, anonKey: stack.anonKey }, memoryStorage(), { realtimeTransport: WebSocket })
      if (i > 0) {
        clients.push(viewer)
        const { data: session } = await owner.auth.getSession()
        await viewer.auth.setSession({ access_token: session.session!.access_token, refresh_token: session.session!.refresh_token })
      }
      const stream = openRunStream(viewer, createOpsApi(viewer), run!.id)
      streams.push(stream)
    }
    for (const stream of streams) await waitFor(() => (stream.state.live === 'live' ? true : undefined), 'every viewer to be live')

    const writer = new EventWriter(new RunStore(service, 'busy', { leaseSeconds: 3600 }), run!.id)
    const total = LINES_PER_SECOND * SECONDS
    const started = Date.now()
    for (let sent = 0; sent < total;) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * LINES_PER_SECOND) + 1)
      for (; sent < due; sent++) await writer.log({ message: `line ${sent + 1}` })
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await writer.flush()

    for (const stream of streams) {
      await waitFor(() => (stream.state.events.count === total ? true : undefined), 'every viewer to hold the whole log', 30_000)
      expect(stream.state.events.slice().map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
      expect(stream.state.live).toBe('live')
    }
    const stats = stack.realtimeStats()
    expect(stats.overRate).toBe(0)
    expect(stats.peakMessagesPerSecond).toBeLessThanOrEqual(FREE_PLAN_MESSAGES_PER_SECOND)
    for (const stream of streams) await stream.close()
  })
})
