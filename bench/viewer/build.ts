/**
 * Bundles the viewer benchmark page with esbuild the way create-figma-plugin bundles the UI:
 * Preact JSX, CSS modules for `x.css` and global CSS for `!x.css` imports.
 */
import { build, type Plugin } from 'esbuild'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

const globalCss: Plugin = {
  name: 'global-css',
  setup(context) {
    context.onResolve({ filter: /^!/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(1)),
      namespace: 'file',
      pluginData: 'global',
    }))
    context.onLoad({ filter: /\.css$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises')
      return { contents: await readFile(args.path, 'utf8'), loader: args.pluginData === 'global' ? 'css' : 'local-css' }
    })
  },
}

/** Writes index.html, page.js and page.css into a new folder and returns it. */
export async function buildViewerPage(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'ops-bench-viewer-'))
  await build({
    entryPoints: [join(here, 'page.tsx')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    outdir: out,
    jsxFactory: 'h',
    jsxFragment: 'Fragment',
    plugins: [globalCss],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  await writeFile(
    join(out, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="page.css">
<style>html,body{margin:0;height:100%}body{font-family:sans-serif}#root{display:flex;flex-direction:column;height:100vh}</style></head><body><div id="root"></div><script src="page.js"></script></body></html>`,
  )
  return out
}
