/**
 * Build-time configuration of the plugin and the widget: which Supabase project they talk to,
 * and which ids Figma knows them by.
 *
 *   OPS_SUPABASE_URL       the project URL, e.g. https://<project-ref>.supabase.co
 *                          (default: the local stack, http://localhost:54321)
 *   OPS_SUPABASE_PUBLISHABLE_KEY  the project's publishable key, sb_publishable_… (Project
 *                          Settings → API Keys); OPS_SUPABASE_ANON_KEY, the older name, still
 *                          works and also takes a legacy anon JWT key
 *                          (default: the local stack's publishable key, the Supabase CLI's)
 *   OPS_PLUGIN_ID          the id Figma assigned to the plugin, OPS_WIDGET_ID the widget's
 *                          (default: the placeholder ids in package.json and widget/package.json,
 *                          fine for local development). Stored sessions, settings and placed
 *                          cards belong to one id: see the README before changing it.
 *
 * build-figma-plugin.main.js and build-figma-plugin.ui.js hand the project to the bundles as
 * `__OPS_SUPABASE_URL__` / `__OPS_SUPABASE_ANON_KEY__`; build-figma-plugin.manifest.js puts the
 * project's origins into the manifest's networkAccess.allowedDomains and the ids into the
 * manifests. None of the values is a secret.
 */
export const LOCAL_SUPABASE_URL = 'http://localhost:54321'

/** The local stack's publishable key (local/api-keys.ts): the Supabase CLI's local-dev one, public. */
const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH'

/** The key the plugin sends as its `apikey`: the publishable key, or the legacy anon key; never a secret one. */
function readPublicKey(env) {
  const [variable, given] = [
    ['OPS_SUPABASE_PUBLISHABLE_KEY', env.OPS_SUPABASE_PUBLISHABLE_KEY],
    ['OPS_SUPABASE_ANON_KEY', env.OPS_SUPABASE_ANON_KEY],
  ].find(([, value]) => (value ?? '').trim() !== '') ?? ['', '']
  const key = given.trim() || LOCAL_PUBLISHABLE_KEY
  if (/\s/.test(key)) throw new Error(`${variable} must not contain spaces or line breaks`)
  if (key.startsWith('sb_secret_') || isServiceRoleJwt(key)) {
    throw new Error(`${variable} holds a secret key, which bypasses row-level security: build with the project's publishable key instead`)
  }
  return key
}

/** Whether a key is a legacy service_role JWT (its payload says so); anything unreadable is not. */
function isServiceRoleJwt(key) {
  try {
    return JSON.parse(Buffer.from(key.split('.')[1] ?? '', 'base64url').toString('utf8')).role === 'service_role'
  } catch {
    return false
  }
}

/** Reads and checks the configuration; a bad value stops the build with a message naming it. */
export function readBuildConfig(env = process.env) {
  const rawUrl = (env.OPS_SUPABASE_URL ?? '').trim() || LOCAL_SUPABASE_URL
  let url
  try {
    url = new URL(rawUrl)
  } catch {
    throw new Error(`OPS_SUPABASE_URL must be a URL such as https://<project-ref>.supabase.co, got "${rawUrl}"`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`OPS_SUPABASE_URL must start with https:// (or http:// for a local stack), got "${rawUrl}"`)
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw new Error(`OPS_SUPABASE_URL must be the project's origin only (no path, query or credentials), got "${rawUrl}"`)
  }
  const anonKey = readPublicKey(env)
  const origin = url.origin
  const socketOrigin = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`
  return { supabaseUrl: origin, anonKey, allowedDomains: [origin, socketOrigin] }
}

/** The constants the bundles read, as esbuild `define` entries. */
export function defineBuildConstants(env = process.env) {
  const config = readBuildConfig(env)
  return {
    __OPS_SUPABASE_URL__: JSON.stringify(config.supabaseUrl),
    __OPS_SUPABASE_ANON_KEY__: JSON.stringify(config.anonKey),
  }
}

/** The variables that hold the ids Figma assigned, by what they identify. */
const FIGMA_ID_VARIABLES = { plugin: 'OPS_PLUGIN_ID', widget: 'OPS_WIDGET_ID' }

/**
 * The ids Figma assigned, as set for this build (undefined when unset: the manifest keeps its
 * placeholder). Figma's ids are numbers written as text (its docs' example: "737805260747778092");
 * anything else is refused rather than shipped, and the plugin and the widget cannot share one.
 */
export function readFigmaIds(env = process.env) {
  const read = (variable) => {
    const raw = (env[variable] ?? '').trim()
    if (raw === '') return undefined
    if (!/^[0-9]{1,40}$/.test(raw)) {
      throw new Error(
        `${variable} must be the id Figma assigned (digits only, e.g. 1234567890123456789: the "id" of the manifest Figma generates ` +
          `under Plugins → Development → New plugin…, or the one shown when publishing), got "${raw}"`,
      )
    }
    return raw
  }
  const plugin = read(FIGMA_ID_VARIABLES.plugin)
  const widget = read(FIGMA_ID_VARIABLES.widget)
  if (plugin !== undefined && plugin === widget) {
    throw new Error(
      `OPS_PLUGIN_ID and OPS_WIDGET_ID must differ: the plugin and the widget are two Figma products with ids of their own, got ${plugin} for both`,
    )
  }
  return { plugin, widget }
}
