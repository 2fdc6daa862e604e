/**
 * Bundle size: gzip of the built plugin (build/ui.js, build/main.js) and widget, against a React +
 * supabase-js reference app bundled with esbuild in the same run, minified the same way.
 */
import { build } from 'esbuild'
import { existsSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface BundleResult {
  file: string
  bytes: number
  gzip_bytes: number
}

const measure = (file: string, contents: Uint8Array): BundleResult => ({
  file,
  bytes: contents.length,
  gzip_bytes: gzipSync(contents, { level: 9 }).length,
})

export async function bundle(): Promise<BundleResult[]> {
  const results: BundleResult[] = []
  for (const file of ['build/ui.js', 'build/main.js', 'widget/build/main.js', 'widget/build/ui.js']) {
    const path = root + file
    if (!existsSync(path)) throw new Error(`${file} is missing: run npm run build first`)
    results.push(measure(file, readFileSync(path)))
  }
  const reference = await build({
    entryPoints: [`${root}bench/reference/app.tsx`],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2017',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  results.push(measure('reference: React + supabase-js (esbuild)', reference.outputFiles[0].contents))
  return results
}
