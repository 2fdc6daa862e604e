/**
 * Whether the built plugin, preview and widget still match their sources, so `npm start` and
 * `npm test` build only when something changed. A build made by either leaves a stamp
 * (build/test-build.json) with the build-time configuration and the build's log; the outputs are
 * fresh when the stamp is newer than every input and every output (a later `npm run build` by
 * hand, perhaps for another Supabase project, makes them newer) and was made with the same
 * configuration.
 */
import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** What the bundles are built from: sources, the code they import, and the build's configuration. */
const BUILD_INPUTS = [
  'src',
  'widget/src',
  'supabase/functions/_shared',
  'local/preview',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'widget/package.json',
  'widget/tsconfig.json',
  'build-figma-plugin.env.js',
  'build-figma-plugin.main.js',
  'build-figma-plugin.ui.js',
  'build-figma-plugin.manifest.js',
  'widget/build-figma-plugin.main.js',
  'widget/build-figma-plugin.ui.js',
  'widget/build-figma-plugin.manifest.js',
]

export const BUILD_OUTPUTS = [
  'manifest.json',
  'build/main.js',
  'build/ui.js',
  'build/preview/host.js',
  'widget/manifest.json',
  'widget/build/main.js',
  'widget/build/ui.js',
]

const BUILD_STAMP = 'build/test-build.json'

export interface BuildStamp {
  /** The build-time configuration the outputs were made with (OPS_* variables). */
  config: Record<string, string>
  /** What `npm run build` printed. */
  log: string
}

export interface BuildState {
  /** Newest modification time of any input file, and which file it is. */
  newestInput: { path: string; mtimeMs: number } | null
  /** Modification time of each output; null when it is missing. */
  outputs: Record<string, number | null>
  stamp: { mtimeMs: number; value: BuildStamp } | null
}

/** Null when the outputs are fresh; otherwise why they must be built again. */
export function staleReason(state: BuildState, config: Record<string, string>): string | null {
  const missing = Object.entries(state.outputs).find(([, mtime]) => mtime === null)
  if (missing) return `${missing[0]} is missing`
  if (state.stamp === null) return 'no build was made for the tests yet'
  const stampTime = state.stamp.mtimeMs
  if (JSON.stringify(state.stamp.value.config) !== JSON.stringify(config)) return 'the build-time configuration changed'
  const newerOutput = Object.entries(state.outputs).find(([, mtime]) => (mtime ?? 0) > stampTime)
  if (newerOutput) return `${newerOutput[0]} was built again since`
  if (state.newestInput && state.newestInput.mtimeMs > stampTime) return `${state.newestInput.path} changed since the last build`
  return null
}

async function mtime(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.mtimeMs,
    () => null,
  )
}

async function newestFile(root: string, path: string): Promise<{ path: string; mtimeMs: number } | null> {
  const info = await stat(join(root, path)).catch(() => null)
  if (info === null) return null
  if (!info.isDirectory()) return { path, mtimeMs: info.mtimeMs }
  let newest: { path: string; mtimeMs: number } | null = null
  for (const entry of await readdir(join(root, path))) {
    const candidate = await newestFile(root, join(path, entry))
    if (candidate && (newest === null || candidate.mtimeMs > newest.mtimeMs)) newest = candidate
  }
  return newest
}

export async function readBuildState(root: string): Promise<BuildState> {
  let newestInput: BuildState['newestInput'] = null
  for (const input of BUILD_INPUTS) {
    const candidate = await newestFile(root, input)
    if (candidate && (newestInput === null || candidate.mtimeMs > newestInput.mtimeMs)) newestInput = candidate
  }
  const outputs: BuildState['outputs'] = {}
  for (const output of BUILD_OUTPUTS) outputs[output] = await mtime(join(root, output))
  const stampPath = join(root, BUILD_STAMP)
  const stampTime = await mtime(stampPath)
  const value =
    stampTime === null
      ? null
      : await readFile(stampPath, 'utf8').then(
          (text) => buildStamp(JSON.parse(text)),
          () => null,
        )
  return { newestInput, outputs, stamp: stampTime === null || value === null ? null : { mtimeMs: stampTime, value } }
}

/** A stamp read back, or null when the file holds something else (then the outputs are rebuilt). */
function buildStamp(value: unknown): BuildStamp | null {
  if (typeof value !== 'object' || value === null) return null
  const config: unknown = Reflect.get(value, 'config')
  const log: unknown = Reflect.get(value, 'log')
  if (typeof log !== 'string' || typeof config !== 'object' || config === null) return null
  const entries = Object.entries(config)
  if (!entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')) return null
  return { config: Object.fromEntries(entries), log }
}

export async function writeBuildStamp(root: string, stamp: BuildStamp): Promise<void> {
  await mkdir(join(root, 'build'), { recursive: true })
  await writeFile(join(root, BUILD_STAMP), `${JSON.stringify(stamp, null, 2)}\n`)
}

/**
 * The build-time configuration in an environment: its OPS_* variables that are set, sorted (an
 * empty one means the default, as no variable does, so `npm start` and `npm test` agree).
 */
export function buildConfig(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[0].startsWith('OPS_') && entry[1] !== undefined && entry[1] !== '')
      .sort(),
  )
}

/** Runs `npm run build` in `root` with `env`; resolves with what it printed, rejects with it. */
export function npmBuild(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm run build failed:\n${stdout}${stderr}\n${error.message}`))
      else resolve(stdout + stderr)
    })
  })
}

export interface BuildOutcome {
  /** Null when the outputs were fresh and nothing was built; otherwise why it was built. */
  builtBecause: string | null
  /** The log of the build that made the outputs (this one, or the one the stamp recorded). */
  log: string
}

/** Builds with `build` only when the outputs are stale for `config`, and stamps what it built. */
export async function buildUnlessFresh(root: string, config: Record<string, string>, build: () => Promise<string>): Promise<BuildOutcome> {
  const state = await readBuildState(root)
  const reason = staleReason(state, config)
  if (reason === null && state.stamp) return { builtBecause: null, log: state.stamp.value.log }
  const log = await build()
  await writeBuildStamp(root, { config, log })
  return { builtBecause: reason ?? 'no build was made yet', log }
}
