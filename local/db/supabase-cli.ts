/**
 * The real Supabase CLI (the `supabase` npm package), run against a database URL. Two of its
 * commands need no Docker: `db push` applies supabase/migrations and `gen types` reads the schema.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The folder holding supabase/ (config.toml, migrations): the repository root. */
export const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url))

const require = createRequire(import.meta.url)
const CLI_ENTRY = join(dirname(require.resolve('supabase/package.json')), 'dist', 'supabase.js')

export interface CliResult {
  stdout: string
  stderr: string
}

/**
 * Runs `supabase <args>` with the project as its workdir; rejects with the CLI's own output when it
 * exits non-zero. Asynchronous on purpose: a PGlite served from this process must keep answering.
 */
export function supabaseCli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, '--workdir', PROJECT_DIR, ...args], {
      cwd: PROJECT_DIR,
      // No telemetry and no update check: neither is reachable from CI, and neither is wanted.
      env: { ...process.env, DO_NOT_TRACK: '1', SUPABASE_NO_UPDATE_NOTIFIER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr })
      else reject(new Error(`supabase ${args.slice(0, 2).join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr}${stdout}`))
    })
  })
}

/**
 * The CLI's --remote target for a local server: TLS off, so it neither tries TLS first nor prints
 * a warning about falling back (on stdout, where `gen types` writes the types).
 */
export function cliTarget(url: string): string {
  const target = new URL(url)
  target.searchParams.set('sslmode', 'disable')
  return `--remote=${target.toString()}`
}
