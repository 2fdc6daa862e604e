// Completes the generated manifest.json of the plugin (and, through widget/, of the widget): the
// id Figma assigned, when the build sets one (OPS_PLUGIN_ID / OPS_WIDGET_ID), and the Supabase
// project the build is for (build-figma-plugin.env.js) as the only production domain; the local
// stack stays in devAllowedDomains (package.json), which Figma honours in development.
import { readBuildConfig, readFigmaIds } from './build-figma-plugin.env.js'

/** `product` is 'plugin' or 'widget': whose id the build may set. */
export function completeManifest(manifest, product, env = process.env) {
  const { allowedDomains } = readBuildConfig(env)
  const id = readFigmaIds(env)[product] ?? manifest.id
  const { allowedDomains: _placeholder, ...networkAccess } = manifest.networkAccess ?? {}
  return { ...manifest, id, networkAccess: { allowedDomains, ...networkAccess } }
}

export default function (manifest) {
  return completeManifest(manifest, 'plugin')
}
