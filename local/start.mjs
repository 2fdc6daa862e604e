/**
 * `npm start`'s entry, in plain JavaScript: runs local/start.ts (build check, then the stack) as
 * one bundle of the stack's TypeScript, made with esbuild (packages stay external) and kept in
 * node_modules/.cache/ops-control-room/. It is bundled again only when a file it was made from
 * changed since, so a restart compiles nothing and loads one file instead of passing a hundred
 * modules through a TypeScript loader, which cost a busy 2-vCPU machine more than a second of
 * CPU per start. Code that is not part of the bundle and is written in TypeScript (the Edge
 * Functions the stack serves) still loads through tsx, registered at its first use.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cacheDir = join(root, 'node_modules', '.cache', 'ops-control-room')
const bundleFile = join(cacheDir, 'start.mjs')
const inputsFile = join(cacheDir, 'start.inputs.json')

/** Why the bundle must be made again, or null when every file it was made from is older than it. */
async function staleReason() {
  const made = await readFile(inputsFile, 'utf8').then(
    (text) => JSON.parse(text),
    () => null,
  )
  if (made === null || typeof made.startedAt !== 'number' || !Array.isArray(made.inputs)) return 'not bundled yet'
  if (
    !(await stat(bundleFile).then(
      () => true,
      () => false,
    ))
  )
    return 'the bundle is missing'
  const times = await Promise.all(
    made.inputs.map((input) =>
      stat(join(root, input)).then(
        (info) => ({ input, mtimeMs: info.mtimeMs }),
        () => ({ input, mtimeMs: Infinity }),
      ),
    ),
  )
  const changed = times.find((time) => time.mtimeMs > made.startedAt)
  return changed ? `${changed.input} changed` : null
}

async function bundle() {
  const startedAt = Date.now()
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['local/start.ts'],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'error',
    plugins: [
      {
        // Each module finds its files from its own address (migrations, the preview's page), so
        // `import.meta.url` keeps naming the source file, not the bundle.
        name: 'source-import-meta-url',
        setup(builder) {
          builder.onLoad({ filter: /\.tsx?$/ }, async (args) => {
            const text = await readFile(args.path, 'utf8')
            return {
              contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
              loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
            }
          })
        },
      },
    ],
  })
  // Two starts at once (a test suite starting several stacks) must never load a half-written
  // bundle: each file is written beside its place and renamed over it.
  await mkdir(cacheDir, { recursive: true })
  const put = async (path, contents) => {
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, contents)
    await rename(temporary, path)
  }
  for (const output of result.outputFiles) await put(output.path, output.contents)
  await put(inputsFile, `${JSON.stringify({ startedAt, inputs: Object.keys(result.metafile.inputs) })}\n`)
}

process.setSourceMapsEnabled(true)
const reason = await staleReason()
if (reason !== null) {
  try {
    await bundle()
  } catch (error) {
    console.error(`Could not bundle the local stack (${reason}): ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
await import(pathToFileURL(bundleFile).href)
