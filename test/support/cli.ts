/** Runs `npm start`'s entry point as a child process, as a newcomer would. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningCli {
  child: ChildProcess
  output(): string
  /** Resolves with the API URL once the stack says it is running. */
  ready: Promise<string>
  exited: Promise<number | null>
  stop(): Promise<number | null>
}

/**
 * Starts the stack's command line (local/cli.ts under tsx), or with `bundled` what `npm start`
 * runs (local/start.mjs: the build check, then the stack as one bundle); without preview options
 * it leaves the preview off, so parallel tests do not share its port.
 */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, { bundled = false } = {}): RunningCli {
  const previewArgs = args.some((arg) => arg.startsWith('--preview') || arg === '--no-preview') ? [] : ['--no-preview']
  const entry = bundled ? ['local/start.mjs'] : ['--import', 'tsx', 'local/cli.ts']
  const child = spawn(process.execPath, [...entry, ...previewArgs, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString()
      const match = /API URL\s+(\S+)/.exec(text)
      if (match) resolve(match[1])
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(new Error(`stack exited with ${code} before it was ready:\n${text}`)))
  })
  ready.catch(() => {})
  return {
    child,
    output: () => text,
    ready,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT')
      return exited
    },
  }
}
