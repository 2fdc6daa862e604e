/** Settings: build-time defaults and the checks a user-entered URL and anon key go through. */
import { describe, expect, it } from 'vitest'
import { ANON_KEY, SERVICE_ROLE_KEY, signJwt } from '../../local/jwt.ts'
import { buildTimeSettings } from '../../src/build-settings.ts'
import { checkAnonKey, checkSupabaseUrl, validateSettings } from '../../src/client/settings.ts'

describe('settings', () => {
  it('defaults, when not built, to the local stack with no key to guess (the build puts in its key)', () => {
    expect(buildTimeSettings()).toEqual({ supabaseUrl: 'http://localhost:54321', anonKey: '' })
  })

  it.each([
    ['https://abcdefghijklmnop.supabase.co', 'https://abcdefghijklmnop.supabase.co'],
    ['  https://abcdefghijklmnop.supabase.co/ ', 'https://abcdefghijklmnop.supabase.co'],
    ['http://localhost:54321', 'http://localhost:54321'],
    ['http://127.0.0.1:54321/', 'http://127.0.0.1:54321'],
  ])('accepts the project URL %j', (input, normalised) => {
    expect(checkSupabaseUrl(input)).toEqual({ ok: true, value: normalised })
  })

  it.each([
    ['', 'Enter your Supabase project URL, e.g. https://<project-ref>.supabase.co.'],
    ['abcdefghijklmnop.supabase.co', 'Start the project URL with https://, e.g. https://abcdefghijklmnop.supabase.co.'],
    ['ftp://abcdefghijklmnop.supabase.co', 'The project URL must start with https://, not ftp://.'],
    [
      'http://abcdefghijklmnop.supabase.co',
      'Use https:// for a hosted project (https://abcdefghijklmnop.supabase.co); http:// is only for a local stack on localhost.',
    ],
    [
      'https://abcdefghijklmnop.supabase.co/rest/v1/',
      'Use the project URL without a path: https://abcdefghijklmnop.supabase.co (not https://abcdefghijklmnop.supabase.co/rest/v1/).',
    ],
    ['https://user:pw@abcdefghijklmnop.supabase.co', 'Remove the user name and password from the project URL.'],
    ['https://', '"https://" is not a URL. Copy the project URL from Project Settings → API, e.g. https://<project-ref>.supabase.co.'],
  ])('refuses the project URL %j', (input, message) => {
    expect(checkSupabaseUrl(input)).toEqual({ ok: false, message })
  })

  it('accepts anon and publishable keys, and refuses secret, expired and malformed ones', () => {
    expect(checkAnonKey(` ${ANON_KEY}\n`)).toEqual({ ok: true, value: ANON_KEY })
    expect(checkAnonKey('sb_publishable_abc123')).toEqual({ ok: true, value: 'sb_publishable_abc123' })
    expect(checkAnonKey(SERVICE_ROLE_KEY)).toMatchObject({ ok: false, message: expect.stringContaining('This is the service_role key') })
    expect(checkAnonKey('sb_secret_abc')).toMatchObject({ ok: false, message: expect.stringContaining('This is a secret key') })
    expect(checkAnonKey(signJwt({ role: 'authenticated', exp: 1983812996 }))).toMatchObject({
      ok: false,
      message: 'This key is for the role "authenticated"; the plugin needs the anon (public) key.',
    })
    expect(checkAnonKey(signJwt({ role: 'anon', exp: 1_600_000_000 }))).toMatchObject({
      ok: false,
      message: 'This key expired on 2020-09-13; copy the current anon key.',
    })
    expect(checkAnonKey('')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Paste the project’s publishable key (sb_publishable_…) from Project Settings → API Keys'),
    })
    expect(checkAnonKey('eyJ abc')).toMatchObject({ ok: false, message: expect.stringContaining('spaces or line breaks') })
    expect(checkAnonKey('not-a-key')).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not look like a publishable key (sb_publishable_…) or a legacy anon key'),
    })
    expect(checkAnonKey('a.b!.c')).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not look like a publishable key (sb_publishable_…) or a legacy anon key'),
    })
    expect(checkAnonKey('eyJ.bm90IGpzb24.sig')).toMatchObject({ ok: false, message: expect.stringContaining('cannot be read') })
  })

  it('validates both fields at once and warns about domains the build did not allow', () => {
    expect(validateSettings({ supabaseUrl: 'x', anonKey: '' })).toEqual({
      ok: false,
      errors: { supabaseUrl: expect.any(String), anonKey: expect.any(String) },
    })
    expect(validateSettings({ supabaseUrl: 'http://localhost:54321', anonKey: ANON_KEY })).toEqual({
      ok: true,
      settings: { supabaseUrl: 'http://localhost:54321', anonKey: ANON_KEY },
      warning: null,
    })
    // Saved, but Figma allows the local stack only by the manifests' localhost name.
    expect(validateSettings({ supabaseUrl: 'http://127.0.0.1:54321', anonKey: ANON_KEY })).toEqual({
      ok: true,
      settings: { supabaseUrl: 'http://127.0.0.1:54321', anonKey: ANON_KEY },
      warning: 'Figma lets the plugin reach the local stack as localhost only: use http://localhost:54321 instead of 127.0.0.1:54321.',
    })
    const hosted = validateSettings({ supabaseUrl: 'https://abcdefghijklmnop.supabase.co', anonKey: ANON_KEY })
    expect(hosted).toMatchObject({ ok: true })
    expect(hosted.ok && hosted.warning).toBe(
      'This plugin was built for http://localhost:54321; Figma blocks requests to abcdefghijklmnop.supabase.co unless the plugin is rebuilt with OPS_SUPABASE_URL=https://abcdefghijklmnop.supabase.co.',
    )
  })
})
