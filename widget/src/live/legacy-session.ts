/**
 * Earlier builds of the widget kept its window's session under supabase-js's own key
 * (`sb-<host>-auth-token`), outside the plugin's session prefix. Moving such entries under the
 * prefix once keeps people signed in across the upgrade.
 */
import { STORAGE_KEYS } from '../../../src/main/config.ts'

const LEGACY_SESSION_KEY = /^sb-[A-Za-z0-9-]+-auth-token(?:-code-verifier|-user)?$/

export async function moveLegacySession(): Promise<void> {
  for (const key of await figma.clientStorage.keysAsync()) {
    if (!LEGACY_SESSION_KEY.test(key)) continue
    const value: unknown = await figma.clientStorage.getAsync(key)
    const current: unknown = await figma.clientStorage.getAsync(STORAGE_KEYS.session + key)
    // A session saved since the upgrade is newer than the legacy one.
    if (typeof value === 'string' && current === undefined) await figma.clientStorage.setAsync(STORAGE_KEYS.session + key, value)
    await figma.clientStorage.deleteAsync(key)
  }
}
