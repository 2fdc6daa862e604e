/**
 * Builds the plugin, the preview host and the widget once, before any test file runs, so the
 * browser suites and the build checks share one build instead of racing to write build/ — and
 * only when the sources changed since the last build made for the tests (local/build-freshness.ts, which `npm start` uses too).
 * The log of the build that made the outputs reaches the build tests through `inject('buildOutput')`.
 */
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { buildConfig, buildUnlessFresh, npmBuild } from '../local/build-freshness.ts'
import { errorMessage } from '../supabase/functions/_shared/error-message.ts'
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
  const outcome = await buildUnlessFresh(root, buildConfig(env), async () => {
    console.log('Building the plugin and widget…')
    try {
      return await npmBuild(root, env)
    } catch (error) {
      throw new Error(`The tests cannot run: ${errorMessage(error)}`)
    }
  })
  if (outcome.builtBecause === null) console.log('The plugin and widget builds are up to date with their sources: not building them again.')
  else console.log(`Built the plugin and widget (${outcome.builtBecause}).`)
  project.provide('buildOutput', outcome.log)
  // Unpacked once here (when it is the npm build), not by the first browser suite of each process.
  await chromiumExecutable()
}
