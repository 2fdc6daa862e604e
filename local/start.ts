/**
 * `npm start`: builds the plugin, the preview and the widget only when a source, the build-time
 * configuration (OPS_* variables) or the outputs changed since the last build, so a restart goes
 * straight to the stack; then runs the stack (cli.ts) in this same process, which saves starting
 * a second one. `npm run build` still builds unconditionally.
 */
import { buildConfig, buildUnlessFresh, npmBuild } from './build-freshness.ts'
import { PROJECT_ROOT } from './config.ts'
import { errorMessage } from '../supabase/functions/_shared/error-message.ts'

try {
  const outcome = await buildUnlessFresh(PROJECT_ROOT, buildConfig(process.env), async () => {
    console.log('Building the plugin, the preview and the widget…')
    return npmBuild(PROJECT_ROOT, process.env)
  })
  console.log(
    outcome.builtBecause === null
      ? 'The plugin, preview and widget are up to date with their sources: not building them.'
      : `Built the plugin, preview and widget (${outcome.builtBecause}).`,
  )
  // cli.ts starts the stack when loaded, with this process's arguments.
  await import('./cli.ts')
} catch (error) {
  console.error(errorMessage(error))
  process.exitCode = 1
}
