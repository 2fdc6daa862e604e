/**
 * Builds the preview page's script (local/preview/host.ts, with the fake `figma` global) into
 * build/preview/host.js. Part of `npm run build`, after build-figma-plugin.
 */
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { errorMessage } from '../../supabase/functions/_shared/error-message.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

export async function buildPreviewHost(outfile = `${root}build/preview/host.js`): Promise<void> {
  await build({
    entryPoints: [`${root}local/preview/host.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    logLevel: 'warning',
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildPreviewHost().then(
    () => console.log('Built the plugin preview (build/preview/host.js)'),
    (error: unknown) => {
      console.error(`Could not build the plugin preview: ${errorMessage(error)}`)
      process.exit(1)
    },
  )
}
