import { build } from 'esbuild'
import { pathToFileURL } from 'node:url'
const t = performance.now()
const r = await build({
  entryPoints: [process.argv[2]], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
  outfile: process.argv[3], metafile: true, logLevel: 'warning',
  plugins: [{ name: 'meta-url', setup(b) { b.onLoad({ filter: /\.(ts|tsx|mts)$/ }, async (args) => {
    const fs = await import('node:fs/promises'); let text = await fs.readFile(args.path, 'utf8')
    text = text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
    return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts' } }) } }],
})
console.log('bundled in', (performance.now()-t).toFixed(0), 'ms, inputs', Object.keys(r.metafile.inputs).length)
