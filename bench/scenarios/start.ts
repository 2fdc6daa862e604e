/**
 * Start: the local stack's process (`npm start` without the plugin build, which the bundle
 * benchmark times) from spawn to /health answering, on a fresh data folder and on a warm
 * restart, with PGlite and with real Postgres; and `npm start`'s own entry (local/start.mjs: the
 * build check, the bundled stack and the preview) restarted on existing data, from spawn to
 * ready (its "Press Ctrl-C" line, stack and preview serving), with the CPU time it took to get
 * there, which is what a machine shared with other work pays.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFreshDatabase } from '../../local/db/fresh.ts'
import { engines } from '../lib/engines.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface StartResult {
  engine: string
  first_start_ms: number
  warm_restart_ms: number
  /** `npm start`'s entry restarted on existing data, spawn → ready. */
  restart_ready_ms: number
  /** The CPU time (user + system) that restart used until ready. */
  restart_ready_cpu_ms: number
}

async function timeStart(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', '--port', '0', '--no-preview', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const match = /API URL\s+(\S+)/.exec(output)
        if (match) resolve(match[1])
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', (code) => reject(new Error(`the stack exited with ${code}: ${output}`)))
    })
    for (;;) {
      const ok = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return Math.round(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    // A child that already exited (it failed to start) has nothing left to stop.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
  }
}

/** Milliseconds of CPU (user + system) process `pid` has used, from /proc; NaN where there is none. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  if (stat === null) return Number.NaN
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticksPerSecond = 100
  return Math.round(((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000)
}

/** `npm start`'s entry (no npm process around it) until it says it is ready; its wall and CPU time. */
async function timeNpmStart(args: string[], env: Record<string, string | undefined>): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, ['local/start.mjs', '--port', '0', '--preview-port', '0', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Press Ctrl-C to stop.')) resolve()
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)))
    })
    const ms = Math.round(performance.now() - started)
    return { ms, cpuMs: await cpuMs(child.pid!) }
  } finally {
    // A child that already exited (it failed to start) has nothing left to stop.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
  }
}

/** A first `npm start` on `args` (it builds and bundles when anything is stale), then the restart that is measured. */
async function restartReady(args: string[], env: Record<string, string | undefined>) {
  await timeNpmStart(args, env)
  const restart = await timeNpmStart(args, env)
  return { restart_ready_ms: restart.ms, restart_ready_cpu_ms: restart.cpuMs }
}

export async function start(): Promise<StartResult[]> {
  const results: StartResult[] = []
  for (const engine of engines()) {
    if (engine === 'pglite') {
      const dataDir = await mkdtemp(join(tmpdir(), 'ops-bench-start-'))
      const args = ['--data-dir', dataDir]
      results.push({
        engine,
        first_start_ms: await timeStart(args, { DATABASE_URL: undefined }),
        warm_restart_ms: await timeStart(args, { DATABASE_URL: undefined }),
        ...(await restartReady(args, { DATABASE_URL: undefined })),
      })
      await rm(dataDir, { recursive: true, force: true })
    } else {
      const fresh = await createFreshDatabase(process.env.DATABASE_URL!, 'ops_bench')
      try {
        const env = { DATABASE_URL: fresh.url }
        results.push({
          engine,
          first_start_ms: await timeStart([], env),
          warm_restart_ms: await timeStart([], env),
          ...(await restartReady([], env)),
        })
      } finally {
        await fresh.drop()
      }
    }
  }
  return results
}
