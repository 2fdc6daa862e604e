// esbuild options for the plugin's UI bundle (build/ui.js): the build-time configuration
// (build-figma-plugin.env.js) reaches the code as constants, and `process.env.NODE_ENV`, which
// some dependencies read, is fixed because `process` does not exist in the plugin iframe.
// Stylesheets go through build-stylesheets.js in place of create-figma-plugin's CSS-modules step,
// and js-yaml comes without its dumper (build-yaml-loader.js).
import { defineBuildConstants } from './build-figma-plugin.env.js'
import { stylesheets } from './build-stylesheets.js'
import { yamlLoaderOnly } from './build-yaml-loader.js'

export default function (buildOptions) {
  return {
    ...buildOptions,
    plugins: [
      stylesheets(buildOptions.minify === true),
      yamlLoaderOnly(),
      ...buildOptions.plugins.filter((plugin) => plugin.name !== 'css-modules'),
    ],
    define: { ...buildOptions.define, ...defineBuildConstants(), 'process.env.NODE_ENV': '"production"' },
  }
}
