// esbuild options for the plugin's UI bundle (build/ui.js): the build-time configuration
// (build-figma-plugin.env.js) reaches the code as constants, and `process.env.NODE_ENV`, which
// some dependencies read, is fixed because `process` does not exist in the plugin iframe.
// Each stylesheet is bundled once however many files import it (see onceEachStylesheet).
import { isAbsolute, resolve } from 'node:path'
import { defineBuildConstants } from './build-figma-plugin.env.js'

export default function (buildOptions) {
  return {
    ...buildOptions,
    plugins: [onceEachStylesheet(), ...buildOptions.plugins],
    define: { ...buildOptions.define, ...defineBuildConstants(), 'process.env.NODE_ENV': '"production"' },
  }
}

// create-figma-plugin's CSS-modules plugin turns every import of a `.css` file into a new
// module (a fresh temporary file per import), so a stylesheet imported by five components would
// ship five times. This resolves each stylesheet through that plugin once per build and hands
// every later import of the same file the same module.
function onceEachStylesheet() {
  return {
    name: 'once-each-stylesheet',
    setup(build) {
      let modules = new Map()
      build.onStart(() => {
        modules = new Map()
      })
      build.onResolve({ filter: /\.css$/ }, (args) => {
        if (args.pluginData === 'once-each-stylesheet') return undefined
        const key = stylesheetKey(args.path, args.resolveDir)
        let module = modules.get(key)
        if (module === undefined) {
          module = build
            .resolve(args.path, {
              kind: args.kind,
              importer: args.importer,
              resolveDir: args.resolveDir,
              pluginData: 'once-each-stylesheet',
            })
            .then((result) => (result.errors.length > 0 ? { errors: result.errors } : { path: result.path }))
          modules.set(key, module)
        }
        return module
      })
    },
  }
}

// The file an import names, with the `!` that marks a global (not CSS-modules) stylesheet kept:
// relative paths resolve against the importer's folder, package paths are found from the project.
function stylesheetKey(path, resolveDir) {
  const global = path.startsWith('!') ? '!' : ''
  const file = global === '' ? path : path.slice(1)
  return global + (file.startsWith('.') || isAbsolute(file) ? resolve(resolveDir, file) : file)
}
