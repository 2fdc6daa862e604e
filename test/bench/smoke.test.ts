/**
 * `npm run bench -- --smoke` runs every scenario at small sizes, so the benchmark never rots.
 * Nothing here looks at a timing: only that each scenario ran, reported its figures, and that
 * the correctness figures (double claims) are zero.
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('npm run bench -- --smoke', () => {
  it('runs every scenario and writes the results file', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'ops-bench-')), 'smoke.json')
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      cwd: root,
      maxBuffer: 32 * 1024 * 1024,
    })
    expect(stdout).toContain('Ops Control Room benchmarks (smoke')
    const report = JSON.parse(await readFile(out, 'utf8'))
    expect(report).toMatchObject({ mode: 'smoke', machine: { node: process.version } })
    const scenarios = [
      'latency',
      'viewer-latency',
      'approval',
      'viewer',
      'viewer-search',
      'ingest',
      'queue',
      'bundle',
      'plugin-open',
      'start',
      'run-broadcast',
      'storage',
      'edge-limits',
      'fan-out',
    ]
    expect(Object.keys(report.results).sort()).toEqual([...scenarios].sort())
    for (const name of scenarios) expect(report.results[name].length, name).toBeGreaterThan(0)

    const engines = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']
    expect([...new Set(report.results.queue.map((row: { engine: string }) => row.engine))]).toEqual(engines)
    for (const row of report.results.queue) expect(row.double_claims).toBe(0)
    if (process.env.DATABASE_URL) {
      const postgres = report.results.queue.find((row: { engine: string }) => row.engine === 'postgres')
      expect(postgres.graphile_worker_double_runs).toBe(0)
      expect(postgres.graphile_worker_jobs_per_s).toBeGreaterThan(0)
    }
    // Every subscriber got every line once, in order, on the product's transport.
    for (const row of [...report.results.latency, ...report.results['fan-out']]) expect(row.exactly_once).toBe(true)
    for (const row of report.results.viewer) expect(row.dom_nodes).toBeGreaterThan(0)
    const virtual = report.results.viewer.filter((row: { viewer: string }) => row.viewer.startsWith('RunLogViewer'))
    const plain = report.results.viewer.filter((row: { viewer: string }) => row.viewer.startsWith('plain'))
    // Virtualised: the DOM does not grow with the log (rows of different kinds in the window may
    // differ by a few nodes); the baseline's does.
    const counts = virtual.map((row: { dom_nodes: number }) => row.dom_nodes)
    expect(Math.max(...counts)).toBeLessThanOrEqual(Math.min(...counts) * 1.2)
    expect(plain.at(-1).dom_nodes).toBeGreaterThan(plain[0].dom_nodes)
    // The viewer's search found exactly the lines that hold the query, over the whole log.
    for (const row of report.results['viewer-search']) expect(row.search_matches, `${row.lines} lines`).toBe(row.expected_matches)
    expect(report.results.bundle.map((row: { file: string }) => row.file)).toContain('build/ui.js')
    // The plugin opened in Chromium and showed its templates.
    expect(report.results['plugin-open'].map((row: { measure: string; count: number }) => [row.measure, row.count])).toEqual([
      ['plugin open → tabs shown', 1],
      ['plugin open → templates visible', 1],
    ])
  }, 600_000)
})
