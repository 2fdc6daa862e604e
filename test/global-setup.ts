/**
 * Builds the plugin, the preview host and the widget once, before any test file runs, so the
 * browser suites and the build checks share one build instead of racing to write build/.
 * The build's output reaches the build tests through `inject('buildOutput')`.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { chromiumExecutable } from './support/chromium.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    buildOutput: string
  }
}

const root = fileURLToPath(new URL('..', import.meta.url))

export default async function setup(project: TestProject): Promise<void> {
  // The default build-time configuration: the local stack.
  const env = { ...process.env, OPS_SUPABASE_URL: '', OPS_SUPABASE_ANON_KEY: '' }
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', 'build'], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 })
    project.provide('buildOutput', stdout + stderr)
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`npm run build failed, so the tests cannot run:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`)
  }
  // Unpacked once here (when it is the npm build), not by the first browser suite of each process.
  await chromiumExecutable()
}
