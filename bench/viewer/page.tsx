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
import { createOpsServices, type OpsServices } from '../../src/ui/services/ops-services.ts'
import type { StoragePort } from '../../src/client/storage.ts'
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

/**
 * The plugin's main thread for session storage, answered from memory: what figma.clientStorage
 * holds (`initial`, for example a captured session), reached by the product's message adapter.
 */
function memoryStoragePort(initial: Record<string, string>): StoragePort {
  const values = new Map(Object.entries(initial))
  const listeners = new Set<Parameters<StoragePort['onResult']>[0]>()
  return {
    send([kind, requestId, key, value]) {
      const answer = kind === 'STORAGE_GET' ? (values.get(key) ?? null) : undefined
      if (kind === 'STORAGE_SET') values.set(key, value)
      if (kind === 'STORAGE_REMOVE') values.delete(key)
      queueMicrotask(() => {
        for (const listener of listeners) listener(requestId, answer)
      })
    },
    onResult(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/**
 * The product's services, as the plugin makes them, for the synthetic run: nobody is signed in
 * and the project is this page's own server, so what the viewer asks besides its stream (who
 * started the run) gets a quick "not found" and says so, as it would offline.
 */
const offlineServices = (): OpsServices => createOpsServices({ supabaseUrl: location.origin, anonKey: 'bench' }, memoryStoragePort({}))

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

/** Waits, a frame at a time, until `found` answers something; throws after `timeoutMs`. */
async function untilFound<T>(found: () => T | null | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = found()
    if (value) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await nextFrame()
  }
}

/** Records the intervals between animation frames until the answer's `stop()`. */
function recordFrames(): { stop(): number[] } {
  const frames: number[] = []
  let running = true
  let last = performance.now()
  const tick = (now: number) => {
    frames.push(now - last)
    last = now
    if (running) requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
  return {
    stop() {
      running = false
      return frames
    },
  }
}

const lineSeqsOnScreen = () =>
  [...document.querySelectorAll<HTMLElement>('[data-log-viewport] [data-seq]')].map((row) => Number(row.dataset.seq))

/** The synthetic run's warnings: every 97th line (see syntheticEvent). */
const isWarning = (seq: number) => seq % 97 === 0

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
        <ServicesContext.Provider value={offlineServices()}>
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
    await nextFrame()
    const recording = recordFrames()
    const perTick = Math.max(1, Math.round(rate / 50))
    const timer = setInterval(() => stream.append(perTick), 20)
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    clearInterval(timer)
    await nextFrame()
    const frames = recording.stop()
    // Frames only count if the viewer kept up: the newest line must be on screen.
    const newest = stream.state.events.count
    if (!(await untilRow(newest, 5_000))) throw new Error(`the viewer did not show line ${newest} after the appends`)
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
   * Picks `option` in the viewer's open level menu (the caller opened it with a real click) and
   * times it until the screen shows only warnings (`warnings`) or ordinary lines again (`all`);
   * also the longest frame meanwhile.
   */
  async level(option: string, shows: 'warnings' | 'all') {
    const item = await untilFound(
      () =>
        [...document.querySelectorAll('label')].find(
          (label) => label.querySelector('[data-item-id]') && label.textContent?.trim() === option,
        ),
      `the menu option "${option}"`,
    )
    const recording = recordFrames()
    const started = performance.now()
    item.click()
    await untilFound(() => {
      const seqs = lineSeqsOnScreen()
      return seqs.length > 0 && (shows === 'warnings' ? seqs.every(isWarning) : !seqs.every(isWarning))
    }, `the lines of "${option}"`)
    const ms = performance.now() - started
    await nextFrame()
    return { ms: Math.round(ms), longest_frame_ms: Math.round(Math.max(...recording.stop()) * 10) / 10 }
  },

  /**
   * Types `query` into the viewer's search and times the first match and the whole log read (the
   * match counter no longer busy); also the matches found and the longest frame meanwhile.
   */
  async search(query: string) {
    const input = document.querySelector<HTMLInputElement>('input[data-log-search]')
    if (input === null) throw new Error('no search box')
    const recording = recordFrames()
    const started = performance.now()
    input.value = query
    input.dispatchEvent(new Event('input', { bubbles: true }))
    const counter = () => document.querySelector<HTMLElement>('[data-match-counter]')
    await untilFound(() => /^\d+ of \d+/.test(counter()?.textContent ?? ''), 'a first match')
    const firstMatch = performance.now() - started
    await untilFound(() => counter()?.getAttribute('aria-busy') === 'false', 'the end of the search')
    const done = performance.now() - started
    await nextFrame()
    return {
      first_match_ms: Math.round(firstMatch),
      done_ms: Math.round(done),
      matches: Number(/ of (\d+)/.exec(counter()!.textContent ?? '')?.[1] ?? Number.NaN),
      longest_frame_ms: Math.round(Math.max(...recording.stop()) * 10) / 10,
    }
  },

  /**
   * The real viewer on a real run: a supabase-js client signed in with the given session, a
   * RunStream, and a record of when each line's seq first reached the screen. Events carry the
   * time the executor logged them in data.sent (same clock: this machine).
   */
  live(config: { url: string; anonKey: string; storage: Record<string, string>; runId: string }) {
    const services = createOpsServices({ supabaseUrl: config.url, anonKey: config.anonKey }, memoryStoragePort(config.storage))
    const stream = services.openRunStream(config.runId)
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
