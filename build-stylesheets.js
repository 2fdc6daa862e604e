// Stylesheets for the plugin UI and the widget window, replacing create-figma-plugin's CSS-modules
// step. `import styles from './x.css'` gives the file's class names scoped to it; an import of
// `!./x.css` is global. Either way the module puts the stylesheet in a
// <style> element once, under an id made from the file's path.
//
// Two things differ from create-figma-plugin's step, both for the size of build/ui.js:
// - A stylesheet is one module however many files import it (that step made a fresh module per
//   import, so a stylesheet imported by five components shipped five times).
// - A minified build names a scoped class `_` + five characters for the file + the class's place
//   in the file (`_k3x9q2`), not `_panelHead_pl5c3_12`: each name is written twice, once in the
//   stylesheet and once in the module's name map, and the long form cost about 4 KB of gzip.
//   Unminified builds keep readable names (`_panelHead_k3x9q`).
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import cssnano from 'cssnano'
import postcss from 'postcss'
import postcssModules from 'postcss-modules'

const root = dirname(fileURLToPath(import.meta.url))
const GLOBAL = 'global-stylesheet'
const SCOPED = 'scoped-stylesheet'

/** The esbuild plugin; `minify` picks short class names and minified stylesheets. */
export function stylesheets(minify) {
  return {
    name: 'stylesheets',
    setup(build) {
      // Which file each five-character file key stands for, so two files never share one.
      let keys = new Map()
      build.onStart(() => {
        keys = new Map()
      })
      build.onResolve({ filter: /\.css$/ }, (args) => {
        const global = args.path.startsWith('!')
        const path = stylesheetPath(global ? args.path.slice(1) : args.path, args.resolveDir)
        return { path, namespace: global ? GLOBAL : SCOPED }
      })
      build.onLoad({ filter: /.*/, namespace: GLOBAL }, async (args) => {
        const css = await compile(args.path, minify ? [cssnano()] : [])
        return { contents: injectModule(args.path, css.css, {}), loader: 'js', resolveDir: dirname(args.path) }
      })
      build.onLoad({ filter: /.*/, namespace: SCOPED }, async (args) => {
        const key = fileKey(args.path)
        const owner = keys.get(key)
        if (owner !== undefined && owner !== args.path) {
          return {
            errors: [{ text: `${relative(root, args.path)} and ${relative(root, owner)} have the same class-name key ${key}: rename one` }],
          }
        }
        keys.set(key, args.path)
        const local = new Map()
        const scopedName = (name) => {
          if (!local.has(name)) local.set(name, local.size)
          return minify ? `_${key}${local.get(name).toString(36)}` : `_${name}_${key}`
        }
        let names = null
        const plugins = [
          postcssModules({
            generateScopedName: scopedName,
            getJSON: (_file, json) => {
              names = json
            },
          }),
          ...(minify ? [cssnano()] : []),
        ]
        const css = await compile(args.path, plugins)
        if (names === null) return { errors: [{ text: `${relative(root, args.path)}: no class names came out of CSS modules` }] }
        return { contents: injectModule(args.path, css.css, names), loader: 'js', resolveDir: dirname(args.path) }
      })
    },
  }
}

/** The stylesheet's file: relative to the importer, or a package's (through its `exports`). */
function stylesheetPath(path, resolveDir) {
  if (isAbsolute(path)) return path
  if (path.startsWith('.')) return resolve(resolveDir, path)
  return createRequire(resolve(resolveDir, 'index.js')).resolve(path)
}

async function compile(path, plugins) {
  const css = await readFile(path, 'utf8')
  return postcss(plugins).process(css, { from: path, map: false })
}

/** Five base-36 characters from the file's path in the project (the same on every machine). */
function fileKey(path) {
  const digest = createHash('sha256').update(relative(root, path)).digest()
  return (digest.readUInt32BE(0) % 36 ** 5).toString(36).padStart(5, '0')
}

/** The module: add the <style> element once (base.css first, so the rest can override it), export the names. */
function injectModule(path, css, names) {
  const id = createHash('sha256').update(relative(root, path)).digest('hex').slice(0, 10)
  const where = path.endsWith('@create-figma-plugin/ui/lib/css/base.css') ? 'prepend' : 'append'
  return [
    `if (document.getElementById(${JSON.stringify(id)}) === null) {`,
    `  const element = document.createElement('style')`,
    `  element.id = ${JSON.stringify(id)}`,
    `  element.textContent = ${JSON.stringify(css)}`,
    `  document.head.${where}(element)`,
    `}`,
    `export default ${JSON.stringify(names)}`,
  ].join('\n')
}
