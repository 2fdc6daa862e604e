// The widget reaches the same Supabase project as the plugin: reuse the plugin's manifest step.
export { default } from '../build-figma-plugin.manifest.js'
