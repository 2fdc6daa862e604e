/**
 * Builds the plugin, the preview host and the widget once, before any test file runs, so the
 * browser suites and the build checks share one build instead of racing to write build/ — and
 * only when the sources changed since the last build made for the tests (test/support/build-freshness.ts).
 * The log of the build that made the outputs reaches the build tests through `inject('buildOutput')`.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { readBuildState, staleReason, writeBuildStamp } from './support/build-freshness.ts'
import { chromiumExecutable } from './support/chromium.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    buildOutput: string
  }
}

const root = fileURLToPath(new URL('..', import.meta.url))

export default async function setup(project: TestProject): Promise<void> {
  // The default build-time configuration: the local stack.
  const env = { ...process.env, OPS_SUPABASE_URL: '', OPS_SUPABASE_PUBLISHABLE_KEY: '', OPS_SUPABASE_ANON_KEY: '' }
  const config = Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[0].startsWith('OPS_') && entry[1] !== undefined)
      .sort(),
  )
  const state = await readBuildState(root)
  const reason = staleReason(state, config)
  if (reason === null && state.stamp) {
    console.log('The plugin and widget builds are up to date with their sources: not building them again.')
    project.provide('buildOutput', state.stamp.value.log)
  } else {
    console.log(`Building the plugin and widget (${reason})…`)
    try {
      const { stdout, stderr } = await promisify(execFile)('npm', ['run', 'build'], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 })
      await writeBuildStamp(root, { config, log: stdout + stderr })
      project.provide('buildOutput', stdout + stderr)
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string }
      throw new Error(`npm run build failed, so the tests cannot run:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`)
    }
  }
  // Unpacked once here (when it is the npm build), not by the first browser suite of each process.
  await chromiumExecutable()
}
