// The widget reaches the same Supabase project as the plugin, under an id of its own (OPS_WIDGET_ID).
import { completeManifest } from '../build-figma-plugin.manifest.js'

export default function (manifest) {
  return completeManifest(manifest, 'widget')
}
