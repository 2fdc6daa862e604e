// Completes the generated manifest.json: the Supabase project the plugin was built for
// (build-figma-plugin.env.js) is the only production domain the plugin may reach; the local
// stack's domains stay in devAllowedDomains (package.json), which Figma honours in development.
import { readBuildConfig } from './build-figma-plugin.env.js'

export default function (manifest) {
  const { allowedDomains } = readBuildConfig()
  const { allowedDomains: _placeholder, ...networkAccess } = manifest.networkAccess ?? {}
  return { ...manifest, networkAccess: { allowedDomains, ...networkAccess } }
}
