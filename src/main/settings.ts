/**
 * The plugin's settings (which Supabase project) in figma.clientStorage, over the build-time
 * defaults. The UI validates what the user types (src/client/settings.ts); the main thread only
 * refuses values that cannot be settings at all, so a bad message never overwrites good ones.
 */
import type { SaveSettingsHandler } from '../messages.ts'
import type { Settings } from '../client/types.ts'
import { buildTimeSettings } from '../build-settings.ts'
import { STORAGE_KEYS } from './config.ts'
import { handle } from './dispatch.ts'
import { isRecord } from '../is-record.ts'

export async function loadSettings(): Promise<Settings> {
  const defaults = buildTimeSettings()
  const saved: unknown = await figma.clientStorage.getAsync(STORAGE_KEYS.settings)
  if (!isRecord(saved)) return defaults
  const { supabaseUrl, anonKey } = saved
  return {
    supabaseUrl: typeof supabaseUrl === 'string' && supabaseUrl ? supabaseUrl : defaults.supabaseUrl,
    anonKey: typeof anonKey === 'string' && anonKey ? anonKey : defaults.anonKey,
  }
}

function settingsProblem(settings: unknown): string | null {
  if (!isRecord(settings)) return 'settings must be an object with supabaseUrl and anonKey'
  const { supabaseUrl, anonKey } = settings
  if (typeof supabaseUrl !== 'string' || !/^https?:\/\/[^\s/]+\/?$/.test(supabaseUrl)) {
    return `supabaseUrl must be a project URL such as https://<project-ref>.supabase.co, got ${JSON.stringify(supabaseUrl)}`
  }
  if (typeof anonKey !== 'string' || anonKey.trim() === '' || anonKey.length > 4096 || /\s/.test(anonKey)) {
    return 'anonKey must be the project’s anon key (one line of text)'
  }
  return null
}

async function saveSettings(settings: Settings): Promise<Settings> {
  const problem = settingsProblem(settings)
  if (problem) throw new Error(problem)
  const clean: Settings = { supabaseUrl: settings.supabaseUrl.replace(/\/$/, ''), anonKey: settings.anonKey }
  await figma.clientStorage.setAsync(STORAGE_KEYS.settings, clean)
  return clean
}

export function serveSettings(): void {
  handle<SaveSettingsHandler>('SAVE_SETTINGS', 'Could not save the settings', async (settings) => {
    await saveSettings(settings)
  })
}
