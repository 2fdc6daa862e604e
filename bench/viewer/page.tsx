/** @jsx h */
/**
 * The benchmark page for the log viewer, bundled by bench/viewer/build.ts. It mounts either the
 * plugin's real RunLogViewer or a plain list of every line (the non-virtualised baseline) over
 * the same synthetic run, or the real viewer fed live from the local stack, and measures from
 * inside the page. Driven by bench/scenarios/viewer.ts through `window.bench`.
 */
import { h, render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { RunLogViewer } from '../../src/ui/components/run-log-viewer/run-log-viewer.tsx'
import { ServicesContext } from '../../src/ui/services/services-context.ts'
import type { OpsServices } from '../../src/ui/services/ops-services.ts'
import { createOpsApi } from '../../src/client/api.ts'
import { openRunStream } from '../../src/client/run-stream.ts'
import { createOpsClient } from '../../src/client/supabase.ts'
import type { EventRow, RunRow, RunStreamHandle, RunStreamState } from '../../src/client/types.ts'
import { EventStore } from '../../src/client/event-store.ts'
import { STEP_PHASES } from '../../supabase/functions/_shared/vocabulary/index.ts'

const RUN_ID = '00000000-0000-0000-0000-000000000001'

function syntheticEvent(seq: number): EventRow {
  const step = `step-${Math.floor(seq / 500)}`
  return {
    id: seq,
    run_id: RUN_ID,
    seq,
    ts: '2025-01-03T10:00:00.000Z',
    level: seq % 97 === 0 ? 'warn' : 'info',
    source: step,
    phase: STEP_PHASES[Math.floor(seq / 5000) % STEP_PHASES.length],
    step_id: step,
    message: `line ${seq}: deploying web to production, ${step} is making progress`,
    data: null,
  }
}

function syntheticRun(lastSeq: number): RunRow {
  return {
    id: RUN_ID,
    created_at: '2025-01-03T10:00:00.000Z',
    updated_at: '2025-01-03T10:00:00.000Z',
    created_by: 'bench',
    workspace_id: '00000000-0000-4000-8000-000000000001',
    template_slug: 'deploy-web',
    template_revision_id: null,
    template_hash: null,
    kind: 'deploy',
    env: 'production',
    title: 'Benchmark run',
    intent: null,
    inputs: {},
    plan: null,
    dry_run: false,
    status: 'running',
    cancel_requested: false,
    attempt: 1,
    claimed_by: 'bench',
    lease_expires_at: null,
    started_at: '2025-01-03T10:00:00.000Z',
    finished_at: null,
    events_removed_at: null,
    summary: null,
    error: null,
    last_seq: lastSeq,
    last_batch_id: null,
    current_step: null,
    step_results: {},
    secret_inputs: null,
  }
}

/**
 * A stream whose whole log is already loaded, with appends on demand: each row goes into the
 * product's EventStore and is dropped, as RunStream does with the rows it receives.
 */
function syntheticStream(count: number): RunStreamHandle & { append(n: number): void } {
  const events = new EventStore(RUN_ID)
  for (let seq = 1; seq <= count; seq++) events.append(syntheticEvent(seq))
  let state: RunStreamState = {
    run: syntheticRun(count),
    events,
    artifacts: [],
    hasOlder: false,
    loadingOlder: false,
    live: 'live',
    error: null,
  }
  const listeners = new Set<(s: RunStreamState) => void>()
  return {
    get state() {
      return state
    },
    subscribe(listener) {
      listeners.add(listener)
      listener(state)
      return () => listeners.delete(listener)
    },
    loadOlder: async () => {},
    close: async () => {},
    append(n) {
      for (let i = 0; i < n; i++) events.append(syntheticEvent(events.count + 1))
      state = { ...state, run: syntheticRun(events.count) }
      for (const listener of listeners) listener(state)
    },
  }
}

const idleServices = {
  openRunStream: () => {
    throw new Error('not used')
  },
} as unknown as OpsServices

function PlainList(props: { stream: RunStreamHandle }) {
  const [state, setState] = useState(props.stream.state)
  useEffect(() => props.stream.subscribe(setState), [props.stream])
  return (
    <div style={{ height: '100vh', overflow: 'auto', fontFamily: 'monospace', fontSize: '11px' }} data-log-viewport>
      {Array.from({ length: state.events.count }, (_, i) => (
        <div key={state.events.seqAt(i)} data-seq={state.events.seqAt(i)} style={{ height: '20px', whiteSpace: 'nowrap' }}>
          {state.events.seqAt(i)} {state.events.levelAt(i)} {state.events.messageAt(i)}
        </div>
      ))}
    </div>
  )
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))

async function untilRow(seq: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (document.querySelector(`[data-seq="${seq}"]`)) return true
    await nextFrame()
  }
  return false
}

let appendable: ReturnType<typeof syntheticStream> | null = null

const bench = {
  /** Makes the run's `count` lines before a viewer is mounted (so the heap of the lines alone can be read). */
  prepare(count: number) {
    render(null, document.getElementById('root')!)
    appendable = syntheticStream(count)
  },

  /** Mounts a viewer over `count` lines; resolves when the newest line has been painted. */
  async mount(kind: 'virtual' | 'plain', count: number, timeoutMs: number) {
    const root = document.getElementById('root')!
    render(null, root)
    if (appendable === null || appendable.state.events.count !== count) appendable = syntheticStream(count)
    const started = performance.now()
    render(
      kind === 'plain' ? (
        <PlainList stream={appendable} />
      ) : (
        <ServicesContext.Provider value={idleServices}>
          <RunLogViewer runId={RUN_ID} stream={appendable} onBack={() => {}} onOpenRun={() => {}} />
        </ServicesContext.Provider>
      ),
      root,
    )
    const painted = await untilRow(count, timeoutMs)
    await nextFrame()
    return {
      painted,
      first_tail_paint_ms: painted ? Math.round(performance.now() - started) : null,
      dom_nodes: document.getElementsByTagName('*').length,
    }
  },

  /** Appends `rate` lines a second for `seconds`, and reports frame times meanwhile. */
  async append(rate: number, seconds: number) {
    const stream = appendable!
    const frames: number[] = []
    let last = await nextFrame()
    let running = true
    const loop = async () => {
      while (running) {
        const now = await nextFrame()
        frames.push(now - last)
        last = now
      }
    }
    void loop()
    const perTick = Math.max(1, Math.round(rate / 50))
    const timer = setInterval(() => stream.append(perTick), 20)
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    clearInterval(timer)
    running = false
    await nextFrame()
    const sorted = frames.slice().sort((a, b) => a - b)
    const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10
    return {
      frames: frames.length,
      frame_p50_ms: at(50),
      frame_p95_ms: at(95),
      frame_max_ms: at(100),
      long_frames: frames.filter((f) => f > 50).length,
      dom_nodes: document.getElementsByTagName('*').length,
    }
  },

  /**
   * The real viewer on a real run: a supabase-js client signed in with the given session, a
   * RunStream, and a record of when each line's seq first reached the screen. Events carry the
   * time the executor logged them in data.sent (same clock: this machine).
   */
  live(config: { url: string; anonKey: string; storage: Record<string, string>; runId: string }) {
    const memory = new Map(Object.entries(config.storage))
    const client = createOpsClient(
      { supabaseUrl: config.url, anonKey: config.anonKey },
      {
        getItem: (k) => memory.get(k) ?? null,
        setItem: (k, v) => void memory.set(k, v),
        removeItem: (k) => void memory.delete(k),
      },
    )
    const api = createOpsApi(client)
    const stream = openRunStream(client, api, config.runId)
    const services = {
      client,
      api,
      openRunStream: () => stream,
      settings: { supabaseUrl: config.url, anonKey: config.anonKey },
    } as unknown as OpsServices
    render(
      <ServicesContext.Provider value={services}>
        <RunLogViewer runId={config.runId} stream={stream} onBack={() => {}} onOpenRun={() => {}} />
      </ServicesContext.Provider>,
      document.getElementById('root')!,
    )
    const latencies: number[] = []
    let shown = 0
    const watch = () => {
      let newest = 0
      for (const row of document.querySelectorAll<HTMLElement>('[data-log-viewport] [data-seq]'))
        newest = Math.max(newest, Number(row.dataset.seq))
      if (newest > shown) {
        const now = performance.timeOrigin + performance.now()
        const events = stream.state.events
        for (let seq = shown + 1; seq <= newest; seq++) {
          const index = events.indexOfSeq(seq)
          const sent = index === -1 ? undefined : (events.eventAt(index).data as { sent?: number } | null)?.sent
          if (typeof sent === 'number') latencies.push(now - sent)
        }
        shown = newest
      }
      requestAnimationFrame(watch)
    }
    requestAnimationFrame(watch)
    return {
      ready: () => stream.state.live === 'live' && stream.state.run !== null,
      shown: () => shown,
      latencies: () => latencies,
    }
  },
}

;(window as unknown as { bench: typeof bench }).bench = bench
