// esbuild options for the plugin's UI bundle (build/ui.js): the build-time configuration
// (build-figma-plugin.env.js) reaches the code as constants, and `process.env.NODE_ENV`, which
// some dependencies read, is fixed because `process` does not exist in the plugin iframe.
import { defineBuildConstants } from './build-figma-plugin.env.js'

export default function (buildOptions) {
  return {
    ...buildOptions,
    define: { ...buildOptions.define, ...defineBuildConstants(), 'process.env.NODE_ENV': '"production"' },
  }
}
