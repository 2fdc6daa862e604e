/**
 * Build-time configuration as the UI bundle sees it. `npm run build` replaces the two constants
 * with OPS_SUPABASE_URL / OPS_SUPABASE_ANON_KEY (build-figma-plugin.env.js); code that runs
 * unbundled (tests, tools) falls back to the local stack's defaults.
 */
declare const __OPS_SUPABASE_URL__: string | undefined
declare const __OPS_SUPABASE_ANON_KEY__: string | undefined

export const LOCAL_SUPABASE_URL = 'http://localhost:54321'

/** The Supabase CLI's well-known local anon key (public; it only works against local stacks). */
export const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'

export const BUILD_SUPABASE_URL: string = typeof __OPS_SUPABASE_URL__ === 'string' ? __OPS_SUPABASE_URL__ : LOCAL_SUPABASE_URL
export const BUILD_ANON_KEY: string = typeof __OPS_SUPABASE_ANON_KEY__ === 'string' ? __OPS_SUPABASE_ANON_KEY__ : LOCAL_ANON_KEY

/** Hosts the plugin may reach only in Figma's development mode (manifest devAllowedDomains). */
export const DEV_HOSTS: readonly string[] = ['localhost:54321', '127.0.0.1:54321']
