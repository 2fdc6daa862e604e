// js-yaml without its dumper in the UI bundles. The plugin only reads YAML (loadAll), but
// js-yaml's ES module exports `dump` as `var dump = dumper.dump`: a property read, which esbuild
// must keep in case it has side effects, and with it the whole dumper (about a quarter of the
// library). Marking that one read pure lets the unused dumper be dropped. If js-yaml's file no
// longer has that line, the build stops here rather than silently shipping the dumper again.
import { readFile } from 'node:fs/promises'

const EXPORTED_DUMP = 'var dump                = dumper.dump;'

export function yamlLoaderOnly() {
  return {
    name: 'yaml-loader-only',
    setup(build) {
      build.onLoad({ filter: /[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        if (!source.includes(EXPORTED_DUMP)) {
          return { errors: [{ text: `${args.path} no longer has "${EXPORTED_DUMP}": update build-yaml-loader.js for this js-yaml` }] }
        }
        return { contents: source.replace(EXPORTED_DUMP, 'var dump = /* @__PURE__ */ (() => dumper.dump)();'), loader: 'js' }
      })
    },
  }
}
