/**
 * `npm run bench`: measures what Ops Control Room exists for, each beside its peer or baseline
 * in the same run, prints a table and writes bench/results/latest.json. `--smoke` runs small
 * sizes so CI keeps the benchmark working; nothing here asserts a timing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machine } from './lib/machine.ts'
import { table } from './lib/table.ts'
import { ingest } from './scenarios/ingest.ts'
import { queue } from './scenarios/queue.ts'
import { latency } from './scenarios/latency.ts'
import { approvalLatency } from './scenarios/approval.ts'
import { bundle } from './scenarios/bundle.ts'
import { start } from './scenarios/start.ts'
import { pluginOpen } from './scenarios/plugin-open.ts'
import { storage } from './scenarios/storage.ts'
import { viewer, viewerLatency, viewerSearch } from './scenarios/viewer.ts'
import { runBroadcast } from './scenarios/broadcast.ts'
import { edgeLimits } from './scenarios/edge-limits.ts'
import { fanOut } from './scenarios/fanout.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
})
const smoke = args.smoke ?? false

const scenarios: Record<string, { title: string; run: () => Promise<Record<string, unknown>[]> }> = {
  latency: {
    title: 'Event latency: executor log() → supabase-js callback on the run’s Broadcast channel (Node)',
    run: () => latency(smoke) as never,
  },
  'viewer-latency': {
    title: 'Event latency: executor log() → row visible in the log viewer (Chromium)',
    run: () => viewerLatency(smoke) as never,
  },
  approval: {
    title: 'Approval latency: decide_approval + invoke → the run’s next executor event (supabase-js realtime, Node)',
    run: () => approvalLatency(smoke) as never,
  },
  viewer: { title: 'Log viewer: virtualised RunLogViewer vs a plain list of every line (Chromium)', run: () => viewer(smoke) as never },
  'viewer-search': {
    title: 'Log viewer: level filter and search over the whole log, pick or keystroke → screen (Chromium)',
    run: () => viewerSearch(smoke) as never,
  },
  ingest: { title: 'Event ingest through ops.append_run_events (supabase-js RPC via the stack)', run: () => ingest(smoke) as never },
  queue: { title: 'Queue: claim + finish with 8 concurrent workers, vs graphile-worker', run: () => queue(smoke) as never },
  bundle: { title: 'Bundle size (gzip -9)', run: () => bundle() as never },
  'plugin-open': {
    title: 'Plugin open → templates visible in Chromium (cold cache, signed in, PGlite stack)',
    run: () => pluginOpen(smoke) as never,
  },
  storage: { title: 'Storage: bytes of ops.run_events per 1,000 log lines (table, indexes, TOAST)', run: () => storage(smoke) as never },
  start: { title: 'Local stack start: spawn → /health, and npm start restarted with data → ready', run: () => start() as never },
  'run-broadcast': {
    title: 'Realtime quota: messages/s per run per subscriber over Broadcast, beside the plan caps; log() → callback',
    run: () => runBroadcast(smoke) as never,
  },
  'edge-limits': {
    title: 'Edge limits: CPU and memory per run under the Deno worker, beside the hosted 200 ms / 2 s / 256 MB',
    run: () => edgeLimits(smoke) as never,
  },
  'fan-out': {
    title: 'Fan-out: subscribers per run at 200 events/s per run over Broadcast (Node)',
    run: () => fanOut(smoke) as never,
  },
}

async function main() {
  const selected = args.only ? args.only.split(',') : Object.keys(scenarios)
  for (const name of selected)
    if (!scenarios[name]) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`)
  if ((selected.includes('bundle') || selected.includes('plugin-open')) && !existsSync(`${root}build/ui.js`)) {
    console.log('Building the plugin and widget first (npm run build)…')
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
  }
  const results: Record<string, unknown> = {}
  let output = `Ops Control Room benchmarks${smoke ? ' (smoke: small sizes, numbers are not meaningful)' : ''}\n\n`
  for (const name of selected) {
    const started = performance.now()
    process.stdout.write(`… ${name}\n`)
    const rows = await scenarios[name].run()
    results[name] = rows
    const section = table(scenarios[name].title, rows)
    output += `${section}\n`
    console.log(`${section}(${Math.round(performance.now() - started)} ms)\n`)
  }
  const report = { date: new Date().toISOString(), mode: smoke ? 'smoke' : 'full', machine: await machine(), results }
  const out = args.out ?? `${root}bench/results/${smoke ? 'smoke' : 'latest'}.json`
  mkdirSync(`${root}bench/results`, { recursive: true })
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)
  console.log(output)
  console.log(`Results written to ${out.replace(root, '')}`)
}

// A scenario left waiting on something that can no longer happen would let the process end
// quietly with nothing reported: that is a failure, not a finished run.
process.on('beforeExit', () => {
  console.error('The benchmark stopped before it finished: a scenario waited on something that will never happen.')
  process.exit(1)
})

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
