/**
 * Build-time configuration as the main thread sees it: `npm run build` replaces the constants with
 * OPS_SUPABASE_URL / OPS_SUPABASE_ANON_KEY (build-figma-plugin.env.js). Unbundled (tests), the
 * local stack's defaults apply. The main thread keeps its own copy rather than importing the UI's
 * client layer (main depends on nothing but _shared).
 */
import type { Settings } from '../client/types.ts'

declare const __OPS_SUPABASE_URL__: string | undefined
declare const __OPS_SUPABASE_ANON_KEY__: string | undefined

const LOCAL_SUPABASE_URL = 'http://localhost:54321'
/** The Supabase CLI's well-known local anon key (public). */
const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'

export function buildTimeSettings(): Settings {
  return {
    supabaseUrl: typeof __OPS_SUPABASE_URL__ === 'string' ? __OPS_SUPABASE_URL__ : LOCAL_SUPABASE_URL,
    anonKey: typeof __OPS_SUPABASE_ANON_KEY__ === 'string' ? __OPS_SUPABASE_ANON_KEY__ : LOCAL_ANON_KEY,
  }
}

/** The relaunch command of run summary cards (package.json "figma-plugin".relaunchButtons). */
export const OPEN_RUN_COMMAND = 'open-run'

/** Keys in figma.clientStorage. */
export const STORAGE_KEYS = {
  settings: 'settings',
  windowSize: 'window-size',
  /** Prefix of the UI's session storage (supabase-js auth), so it can never touch the others. */
  session: 'session:',
} as const

/** The longest session value kept: one session is a few kB; clientStorage holds 5 MB for the whole plugin. */
export const MAX_SESSION_VALUE_CHARS = 256 * 1024

/** Plugin data keys on nodes. */
export const PLUGIN_DATA = {
  runId: 'runId',
  card: 'card',
  /** On the document: which nodes are cards of which run. */
  cardIndex: 'cardIndex',
} as const
