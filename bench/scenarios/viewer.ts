/**
 * The log viewer in real Chromium.
 * - Big runs: the plugin's virtualised RunLogViewer and a plain list of every line (the
 *   baseline) over the same 100,000 and 1,000,000 lines: time to the first paint of the tail,
 *   DOM nodes, JS heap (in all, and less the heap of the lines alone), the typed-array storage
 *   outside the heap, and frame times while 5,000 lines a second are appended.
 * - Filter and search: the viewer's level filter there and back and a search over the whole log
 *   at 100,000 and 1,000,000 lines, from the user's pick or keystroke to the screen, with the
 *   longest frame meanwhile and the matches found beside the lines that hold the query.
 * - Latency: executor log() → the line's row visible in the real viewer, which is fed by the
 *   real RunStream from the local stack, at 10, 200 and 2,000 events/s.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium, type LaunchedBrowser } from '../../test/support/chromium.ts'
import { memoryStorage, opsClient, sessionClient } from '../../test/support/stack.ts'
import { EventWriter } from '../../supabase/functions/_shared/executor/event-writer.ts'
import { RunStore } from '../../supabase/functions/_shared/executor/store.ts'
import { buildViewerPage } from '../viewer/build.ts'
import { engines, withStack } from '../lib/engines.ts'
import { distribution } from '../lib/stats.ts'
import { logAtRate } from '../lib/paced-log.ts'

type Bench = {
  prepare(count: number): void
  mount(
    kind: 'virtual' | 'plain',
    count: number,
    timeoutMs: number,
  ): Promise<{ painted: boolean; first_tail_paint_ms: number | null; dom_nodes: number }>
  append(rate: number, seconds: number): Promise<Record<string, number>>
  level(option: string, shows: 'warnings' | 'all'): Promise<{ ms: number; longest_frame_ms: number }>
  search(query: string): Promise<{ first_match_ms: number; done_ms: number; matches: number; longest_frame_ms: number }>
  live(config: unknown): { ready(): boolean; shown(): number; latencies(): number[] }
}

async function serve(folder: string) {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }
  const server = createServer((req, res) => {
    const file = join(folder, new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html'))
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** The bench page built and served, and a Chromium window to open it in, for `work`; both closed after. */
async function withViewerPage<T>(work: (browser: LaunchedBrowser, url: string) => Promise<T>): Promise<T> {
  const site = await serve(await buildViewerPage())
  const browser = await launchChromium({ width: 480, height: 800 })
  try {
    return await work(browser, site.url)
  } finally {
    await browser.close()
    await site.close()
  }
}

/**
 * The page's JS heap after a full collection, and the typed-array storage V8 keeps outside it
 * (the log's columns live there), in MB.
 */
async function memoryMb(page: Page): Promise<{ heap: number; buffers: number | null }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('Performance.enable')
  const { metrics } = await cdp.send('Performance.getMetrics')
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { backingStorageSize?: number }
  await cdp.detach()
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
  return {
    heap: mb(metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0),
    buffers: usage.backingStorageSize === undefined ? null : mb(usage.backingStorageSize),
  }
}

export interface ViewerResult {
  lines: number
  viewer: string
  first_tail_paint_ms: number | null
  dom_nodes: number
  heap_mb: number
  /** The heap less that of the run's lines alone: what the viewer itself holds. */
  viewer_heap_mb: number
  /** Typed-array storage outside the JS heap (the log's columns, the viewer's index). */
  array_buffers_mb: number | null
  append_frame_p50_ms: number | null
  append_frame_p95_ms: number | null
  append_long_frames: number | null
}

export async function viewer(smoke: boolean): Promise<ViewerResult[]> {
  const sizes = smoke ? [2_000, 20_000] : [100_000, 1_000_000]
  const appendSeconds = smoke ? 1 : 3
  return withViewerPage(async (browser, url) => {
    const results: ViewerResult[] = []
    for (const lines of sizes) {
      for (const kind of ['virtual', 'plain'] as const) {
        const page = await browser.context.newPage()
        await page.goto(url)
        const timeoutMs = smoke ? 60_000 : 180_000
        await page.evaluate((n) => (window as unknown as { bench: Bench }).bench.prepare(n), lines)
        const linesHeap = (await memoryMb(page)).heap
        const mounted = await page
          .evaluate(([k, n, t]) => (window as unknown as { bench: Bench }).bench.mount(k, n, t), [kind, lines, timeoutMs] as const)
          .catch((error: Error) => ({ painted: false, first_tail_paint_ms: null, dom_nodes: 0, error: error.message }))
        const memory = mounted.painted ? await memoryMb(page) : { heap: Number.NaN, buffers: null }
        const appended = mounted.painted
          ? await page.evaluate(([rate, s]) => (window as unknown as { bench: Bench }).bench.append(rate, s), [
              5000,
              appendSeconds,
            ] as const)
          : null
        results.push({
          lines,
          viewer: kind === 'virtual' ? 'RunLogViewer (virtualised)' : 'plain list (baseline)',
          first_tail_paint_ms: mounted.first_tail_paint_ms,
          dom_nodes: mounted.dom_nodes,
          heap_mb: memory.heap,
          viewer_heap_mb: Math.round((memory.heap - linesHeap) * 10) / 10,
          array_buffers_mb: memory.buffers,
          append_frame_p50_ms: appended?.frame_p50_ms ?? null,
          append_frame_p95_ms: appended?.frame_p95_ms ?? null,
          append_long_frames: appended?.long_frames ?? null,
        })
        await page.close({ runBeforeUnload: false })
      }
    }
    return results
  })
}

export interface ViewerSearchResult {
  lines: number
  /** "Warnings and errors" picked → only warnings on screen. */
  warnings_only_ms: number
  /** "All levels" picked again → ordinary lines back on screen. */
  all_levels_ms: number
  search_first_match_ms: number
  /** Until the whole log has been searched (the match counter is final). */
  search_done_ms: number
  search_matches: number
  /** The lines whose text has the query, counted here from the run's synthetic lines. */
  expected_matches: number
  /** The longest frame while the level filter changed, there or back (it answers in one go). */
  filter_longest_frame_ms: number
  /** The longest frame while the search read the log (a slice per frame). */
  search_longest_frame_ms: number
}

/** What the search looks for: the lines whose number starts with these digits. */
const SEARCH_DIGITS = '1999'

/**
 * The plugin's RunLogViewer over 100,000 and 1,000,000 lines: the level filter there and back,
 * and a search over the whole log, each timed from the user's pick or keystroke to the screen.
 */
export async function viewerSearch(smoke: boolean): Promise<ViewerSearchResult[]> {
  const sizes = smoke ? [2_000, 20_000] : [100_000, 1_000_000]
  return withViewerPage(async (browser, url) => {
    const results: ViewerSearchResult[] = []
    for (const lines of sizes) {
      const page = await browser.context.newPage()
      await page.goto(url)
      const mounted = await page.evaluate((n) => (window as unknown as { bench: Bench }).bench.mount('virtual', n, 180_000), lines)
      if (!mounted.painted) throw new Error(`the viewer did not paint ${lines} lines`)
      await page.locator('[data-level-filter]').click()
      const warnings = await page.evaluate(() => (window as unknown as { bench: Bench }).bench.level('Warnings and errors', 'warnings'))
      await page.locator('[data-level-filter]').click()
      const all = await page.evaluate(() => (window as unknown as { bench: Bench }).bench.level('All levels', 'all'))
      const search = await page.evaluate((q) => (window as unknown as { bench: Bench }).bench.search(q), `line ${SEARCH_DIGITS}`)
      let expected = 0
      for (let seq = 1; seq <= lines; seq++) if (String(seq).startsWith(SEARCH_DIGITS)) expected++
      results.push({
        lines,
        warnings_only_ms: warnings.ms,
        all_levels_ms: all.ms,
        search_first_match_ms: search.first_match_ms,
        search_done_ms: search.done_ms,
        search_matches: search.matches,
        expected_matches: expected,
        filter_longest_frame_ms: Math.max(warnings.longest_frame_ms, all.longest_frame_ms),
        search_longest_frame_ms: search.longest_frame_ms,
      })
      await page.close({ runBeforeUnload: false })
    }
    return results
  })
}

export interface ViewerLatencyResult {
  engine: string
  events_per_s: number
  unit: 'ms'
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

export async function viewerLatency(smoke: boolean, rates = [10, 200, 2000]): Promise<ViewerLatencyResult[]> {
  const seconds = smoke ? 1 : 3
  return withViewerPage(async (browser, url) => {
    const results: ViewerLatencyResult[] = []
    for (const engine of engines()) {
      for (const rate of rates) {
        results.push(
          await withStack(engine, async (stack) => {
            // A session the page can use: captured from a real sign-in.
            const saved = memoryStorage()
            const user = sessionClient(stack.url, stack.anonKey, saved)
            await user.auth.signInAnonymously()
            const { data: run } = await user
              .from('runs')
              .insert({ template_slug: 'deploy-web', kind: 'deploy', env: 'staging', title: 'latency', inputs: { env: 'staging' } })
              .select('id')
              .single()
            const service = opsClient(stack.url, stack.serviceRoleKey)
            await service.rpc('claim_run', { p_worker: 'bench', p_run_id: run!.id, p_lease_seconds: 3600 })

            const page = await browser.context.newPage()
            await page.goto(url)
            await page.evaluate(
              (config) => {
                ;(window as unknown as { probe: unknown }).probe = (window as unknown as { bench: Bench }).bench.live(config)
              },
              { url: stack.url, anonKey: stack.anonKey, storage: saved.entries(), runId: run!.id },
            )
            await page.waitForFunction(() => (window as unknown as { probe: { ready(): boolean } }).probe.ready(), undefined, {
              timeout: 30_000,
            })

            const writer = new EventWriter(new RunStore(service, 'bench', { leaseSeconds: 3600 }), run!.id)
            const total = rate * seconds
            await logAtRate(writer, rate, seconds)
            await page.waitForFunction((n) => (window as unknown as { probe: { shown(): number } }).probe.shown() >= n, total, {
              timeout: 60_000,
            })
            const latencies = await page.evaluate(() => (window as unknown as { probe: { latencies(): number[] } }).probe.latencies())
            await page.close()
            await user.removeAllChannels()
            return { engine, events_per_s: rate, unit: 'ms' as const, ...distribution(latencies) }
          }),
        )
      }
    }
    return results
  })
}
