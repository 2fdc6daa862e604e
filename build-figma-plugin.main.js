// esbuild options for the plugin's main thread bundle (build/main.js): the build-time
// configuration (build-figma-plugin.env.js) reaches the code as constants.
import { defineBuildConstants } from './build-figma-plugin.env.js'

export default function (buildOptions) {
  return { ...buildOptions, define: { ...buildOptions.define, ...defineBuildConstants() } }
}
