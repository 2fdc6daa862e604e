/**
 * Start: the local stack's process (`npm start` without the plugin build, which the bundle
 * benchmark times) from spawn to /health answering, on a fresh data folder and on a warm
 * restart, with PGlite and with real Postgres.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
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
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGINT')
    await exited
  }
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
      })
      await rm(dataDir, { recursive: true, force: true })
    } else {
      const fresh = await createFreshDatabase(process.env.DATABASE_URL!, 'ops_bench')
      try {
        const env = { DATABASE_URL: fresh.url }
        results.push({ engine, first_start_ms: await timeStart([], env), warm_restart_ms: await timeStart([], env) })
      } finally {
        await fresh.drop()
      }
    }
  }
  return results
}
