/**
 * The Supabase project the plugin was built for, as the main thread, the UI and the widget see
 * it. The build replaces the two constants in every bundle (build-figma-plugin.env.js): with
 * OPS_SUPABASE_URL / OPS_SUPABASE_ANON_KEY, or, when they are unset, with the local stack and the
 * anon key its JWT secret signs. Code that runs without the build (unit tests) has no key: it
 * gets the local stack's URL and an empty key, which the settings check asks the person to fill.
 */
import type { Settings } from './client/types.ts'

declare const __OPS_SUPABASE_URL__: string | undefined
declare const __OPS_SUPABASE_ANON_KEY__: string | undefined

export const LOCAL_SUPABASE_URL = 'http://localhost:54321'

export function buildTimeSettings(): Settings {
  return {
    supabaseUrl: typeof __OPS_SUPABASE_URL__ === 'string' ? __OPS_SUPABASE_URL__ : LOCAL_SUPABASE_URL,
    anonKey: typeof __OPS_SUPABASE_ANON_KEY__ === 'string' ? __OPS_SUPABASE_ANON_KEY__ : '',
  }
}

/**
 * Hosts the plugin may reach only in Figma's development mode: the manifests' devAllowedDomains
 * (package.json, widget/package.json), which list the local stack as localhost, the documented
 * form, and not as 127.0.0.1, which Figma's manifest check may refuse.
 */
export const DEV_HOSTS: readonly string[] = ['localhost:54321']
