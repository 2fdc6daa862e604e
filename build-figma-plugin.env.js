/**
 * Build-time configuration of the plugin and the widget: which Supabase project they talk to,
 * and which ids Figma knows them by.
 *
 *   OPS_SUPABASE_URL       the project URL, e.g. https://<project-ref>.supabase.co
 *                          (default: the local stack, http://localhost:54321)
 *   OPS_SUPABASE_ANON_KEY  the project's anon (public) key
 *                          (default: the Supabase CLI's well-known local anon key)
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
import { createHmac } from 'node:crypto'

export const LOCAL_SUPABASE_URL = 'http://localhost:54321'

/** The local stacks' anon key: the Supabase CLI's local-dev secret signing the anon claims. */
export function localAnonKey() {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: 'supabase-demo', role: 'anon', exp: 1983812996 })}`
  const signature = createHmac('sha256', 'super-secret-jwt-token-with-at-least-32-characters-long').update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
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
  const anonKey = (env.OPS_SUPABASE_ANON_KEY ?? '').trim() || localAnonKey()
  if (/\s/.test(anonKey)) throw new Error('OPS_SUPABASE_ANON_KEY must not contain spaces or line breaks')
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
