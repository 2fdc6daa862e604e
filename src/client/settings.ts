/**
 * The checks a user-entered Supabase project URL and anon key go through before they are saved
 * (each message says what to fix); the defaults are the build's (src/build-settings.ts).
 */
import type { Settings } from './types.ts'
import { buildTimeSettings, DEV_HOSTS } from '../build-settings.ts'
import { isRecord } from '../is-record.ts'

export type FieldCheck = { ok: true; value: string } | { ok: false; message: string }

export type SettingsCheck =
  | {
      ok: true
      settings: Settings
      /** Saved anyway, but worth showing: e.g. Figma will block a domain the build did not allow. */
      warning: string | null
    }
  | { ok: false; errors: { supabaseUrl?: string; anonKey?: string } }

const EXAMPLE_URL = 'https://<project-ref>.supabase.co'
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTNAMES.has(new URL(url).hostname)
  } catch {
    return false
  }
}

/** The project URL, normalised to its origin (no trailing slash). */
export function checkSupabaseUrl(input: string): FieldCheck {
  const raw = input.trim()
  if (raw === '') return { ok: false, message: `Enter your Supabase project URL, e.g. ${EXAMPLE_URL}.` }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    return { ok: false, message: `Start the project URL with https://, e.g. https://${raw.replace(/^\/+/, '')}.` }
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, message: `"${raw}" is not a URL. Copy the project URL from Project Settings → API, e.g. ${EXAMPLE_URL}.` }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `The project URL must start with https://, not ${url.protocol}//.` }
  }
  if (url.protocol === 'http:' && !LOCAL_HOSTNAMES.has(url.hostname)) {
    return {
      ok: false,
      message: `Use https:// for a hosted project (https://${url.host}); http:// is only for a local stack on localhost.`,
    }
  }
  if (url.username || url.password) return { ok: false, message: 'Remove the user name and password from the project URL.' }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { ok: false, message: `Use the project URL without a path: ${url.origin} (not ${raw}).` }
  }
  return { ok: true, value: url.origin }
}

/** The project's public key: a publishable key, or a legacy anon JWT. Never a secret key. */
export function checkAnonKey(input: string): FieldCheck {
  const key = input.trim()
  if (key === '') {
    return {
      ok: false,
      message: 'Paste the project’s publishable key (sb_publishable_…) from Project Settings → API Keys, or its legacy anon key.',
    }
  }
  if (/\s/.test(key)) return { ok: false, message: 'The key contains spaces or line breaks; copy it again in one piece.' }
  if (key.startsWith('sb_secret_')) {
    return { ok: false, message: 'This is a secret key: never put it in the plugin. Paste the publishable key instead.' }
  }
  if (key.startsWith('sb_publishable_')) return { ok: true, value: key }
  const parts = key.split('.')
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    return {
      ok: false,
      message:
        'This does not look like a publishable key (sb_publishable_…) or a legacy anon key (a long token in three parts separated by dots, starting with "eyJ").',
    }
  }
  let claims: unknown
  try {
    claims = JSON.parse(decodeBase64Url(parts[1]))
  } catch {
    claims = null
  }
  if (!isRecord(claims)) {
    return { ok: false, message: 'This key cannot be read: its middle part is not valid. Copy the anon key again.' }
  }
  if (claims.role === 'service_role') {
    return {
      ok: false,
      message: 'This is the service_role key, which bypasses row-level security: never put it in the plugin. Paste the anon (public) key.',
    }
  }
  if (claims.role !== 'anon') {
    return { ok: false, message: `This key is for the role "${String(claims.role)}"; the plugin needs the anon (public) key.` }
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    return {
      ok: false,
      message: `This key expired on ${new Date(claims.exp * 1000).toISOString().slice(0, 10)}; copy the current anon key.`,
    }
  }
  return { ok: true, value: key }
}

export function validateSettings(input: { supabaseUrl: string; anonKey: string }): SettingsCheck {
  const url = checkSupabaseUrl(input.supabaseUrl)
  const key = checkAnonKey(input.anonKey)
  if (!url.ok || !key.ok) {
    return {
      ok: false,
      errors: { ...(url.ok ? {} : { supabaseUrl: url.message }), ...(key.ok ? {} : { anonKey: key.message }) },
    }
  }
  return { ok: true, settings: { supabaseUrl: url.value, anonKey: key.value }, warning: networkWarning(url.value) }
}

/** Figma only lets the plugin reach the domains in its manifest: the build's project and the dev stack. */
function networkWarning(supabaseUrl: string): string | null {
  const url = new URL(supabaseUrl)
  const built = buildTimeSettings().supabaseUrl
  if (url.origin === new URL(built).origin || DEV_HOSTS.includes(url.host)) return null
  // The same machine by another name: the manifest allows the local stack as localhost only.
  const asLocalhost = `localhost${url.port ? `:${url.port}` : ''}`
  if (isLocalUrl(supabaseUrl) && DEV_HOSTS.includes(asLocalhost)) {
    return `Figma lets the plugin reach the local stack as localhost only: use ${url.protocol}//${asLocalhost} instead of ${url.host}.`
  }
  return `This plugin was built for ${built}; Figma blocks requests to ${url.host} unless the plugin is rebuilt with OPS_SUPABASE_URL=${url.origin}.`
}

function decodeBase64Url(text: string): string {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=')
  const binary = atob(base64)
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}
