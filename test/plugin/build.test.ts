/**
 * `npm run build` as a new contributor runs it: it typechecks, writes manifest.json (generated,
 * with the build-time Supabase origins and the dev domains), build/main.js, build/ui.js and the
 * preview host. The built main thread runs as Figma runs it (a realm with Figma's globals only,
 * each command of the manifest calling its entry's default export) against the strict fake.
 */
import { readFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, inject, it } from 'vitest'
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../local/jwt.ts'
import { LOCAL_PUBLISHABLE_KEY } from '../../local/api-keys.ts'
import { DEV_HOSTS } from '../../src/build-settings.ts'
// @ts-expect-error: a plain JavaScript build configuration module.
import { readFigmaIds } from '../../build-figma-plugin.env.js'
import { createFakeFigma, snapshotNode, textsOf } from '../../local/preview/fake-figma.ts'
import { createHostRealm, HOST_TIMERS } from '../support/host-realm.ts'
import { builtManifest, poll, startPlugin } from './harness.ts'

const card = {
  runId: '6f1c0a52-8f0e-4d65-9d5b-0d9b8a1f2c3d',
  title: 'Deploy web',
  env: 'production',
  status: 'running',
  templateSlug: 'deploy-web',
  startedAt: '2025-01-03T10:00:00.000Z',
  finishedAt: null,
  summary: null,
}

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('npm run build', () => {
  // The log of the `npm run build` that made the outputs, with the default configuration (the global setup's, now or on an earlier run).
  const output = inject('buildOutput')

  it('writes the generated manifest with access, permissions, relaunch buttons and network domains', async () => {
    expect(output).toMatch(/Typechecked in/)
    const manifest = JSON.parse(await readFile(`${root}manifest.json`, 'utf8'))
    expect(manifest).toMatchObject({
      api: '1.0.0',
      editorType: ['figma', 'figjam'],
      // The placeholder, unless this run's OPS_PLUGIN_ID sets the id Figma assigned.
      id: readFigmaIds(process.env).plugin ?? 'ops-control-room',
      name: 'Ops Control Room',
      main: 'build/main.js',
      ui: 'build/ui.js',
      documentAccess: 'dynamic-page',
      permissions: ['currentuser'],
      relaunchButtons: [
        { command: 'open-run', name: 'Open run' },
        { command: 'open-spec-doc', name: 'Open in Spec Kit' },
      ],
    })
    expect(manifest.networkAccess).toEqual({
      allowedDomains: ['http://localhost:54321', 'ws://localhost:54321'],
      devAllowedDomains: ['http://localhost:54321', 'ws://localhost:54321'],
      reasoning: expect.stringContaining('Realtime'),
    })
  })

  it('writes the bundles, with the build-time configuration inside', async () => {
    for (const file of ['build/main.js', 'build/ui.js', 'build/preview/host.js']) {
      expect((await stat(`${root}${file}`)).size).toBeGreaterThan(1000)
    }
    // The constants were replaced (an undefined one would survive as `typeof __OPS_…__`).
    const ui = await readFile(`${root}build/ui.js`, 'utf8')
    expect(/__OPS_SUPABASE_(URL|ANON_KEY)__/.test(ui)).toBe(false)
    const main = await readFile(`${root}build/main.js`, 'utf8')
    expect(main.includes(LOCAL_PUBLISHABLE_KEY) && main.includes('http://localhost:54321')).toBe(true)
    // Nothing the main thread's runtime lacks.
    expect(main.match(/__OPS_SUPABASE_(URL|ANON_KEY)__|structuredClone|Object\.hasOwn/g)).toBeNull()
  })

  it('runs the built main thread as Figma does, in a realm with Figma’s globals only, and it opens the built UI', async () => {
    const [main, ui] = await Promise.all([readFile(`${root}build/main.js`, 'utf8'), readFile(`${root}build/ui.js`, 'utf8')])
    const realm = createHostRealm({ __html__: ui, ...HOST_TIMERS })
    const host = createFakeFigma({ manifest: builtManifest(), realmError: realm.Error })
    realm.global.figma = host.figma
    // The default command: create-figma-plugin's entry map calls src/main.ts's default export.
    expect(realm.run(main)).toBeUndefined()
    const global = realm.global
    expect(['fetch', 'WebSocket', 'XMLHttpRequest', 'window', 'localStorage', 'process'].filter((name) => name in global)).toEqual([])
    await poll(() => host.ui ?? undefined, 'the UI')
    expect(host.ui?.html).toContain('const __SHOW_UI_DATA__={"editorType":"figma","settings":{"supabaseUrl":"http://localhost:54321"')
    expect(host.ui!.html.endsWith(`${ui}</script>`)).toBe(true)
    expect(host.ui?.options).toMatchObject({ width: 480, height: 680, title: 'Ops Control Room' })
    expect(host.errors).toEqual([])
  })

  it('serves the UI from the built bundle: session storage, a card on the board, a finished run', async () => {
    const plugin = await startPlugin({ built: true })
    try {
      plugin.emit('STORAGE_SET', 'r1', 'sb-auth-token', '{"access_token":"a"}')
      expect(await plugin.waitFor('STORAGE_RESULT', ([id]) => id === 'r1')).toEqual(['STORAGE_RESULT', 'r1', undefined])
      plugin.emit('ADD_SUMMARY_CARD', { ...card, summary: 'x'.repeat(200_000) })
      const [, runId, nodeId] = await plugin.waitFor('CARD_ADDED')
      expect(runId).toBe(card.runId)
      expect(textsOf(snapshotNode(plugin.host.document.getNode(nodeId as string)!))).toContain('Deploy web')
      plugin.emit('RUN_FINISHED', { ...card, status: 'success' })
      await poll(() => (plugin.host.notifications.length === 1 ? true : undefined), 'the notification')
      expect(plugin.received('MAIN_ERROR')).toEqual([])
    } finally {
      plugin.stop()
    }
  })

  it('runs every command of the manifest: the relaunch buttons open the plugin on the selected card’s run or section’s document', async () => {
    const manifest = builtManifest()
    expect(manifest.relaunchButtons?.map((button) => button.command)).toEqual(['open-run', 'open-spec-doc'])
    const first = await startPlugin({ built: true, editorType: 'figjam' })
    first.emit('ADD_SUMMARY_CARD', card)
    const [, , nodeId] = await first.waitFor('CARD_ADDED')
    const board = {
      docId: 'doc-1',
      title: 'Spec',
      version: 1,
      review: { state: 'not_requested', approvedVersion: null },
      groups: [
        { title: 'Requirements', anchors: [{ key: 'FR-001', kind: 'requirement', id: 'FR-001', text: 'It works.', openComments: 0 }] },
      ],
      comments: [],
    }
    first.emit('SPEC_BOARD_ADD', board)
    const [, , sectionId] = await first.waitFor('SPEC_BOARD_ADDED')
    first.stop()
    const document = first.host.document
    const selected: Record<string, [string, string]> = {
      'open-run': [nodeId as string, `"openRunId":"${card.runId}"`],
      'open-spec-doc': [sectionId as string, '"openSpecDocId":"doc-1"'],
    }
    for (const { command } of manifest.relaunchButtons ?? []) {
      document.currentPage.selection = [document.getNode(selected[command][0])!]
      const relaunched = await startPlugin({ built: true, editorType: 'figjam', document, command })
      expect(relaunched.host.ui!.html).toContain(selected[command][1])
      relaunched.stop()
    }
  })
})

describe('build-time configuration', () => {
  const load = async () => ({
    env: await import(pathToFileURL(`${root}build-figma-plugin.env.js`).href),
    manifest: (await import(pathToFileURL(`${root}build-figma-plugin.manifest.js`).href)).default,
    widgetManifest: (await import(pathToFileURL(`${root}widget/build-figma-plugin.manifest.js`).href)).default,
  })

  /** Runs `work` with these OPS_* variables set, restoring the environment after. */
  async function withEnv<T>(values: Record<string, string>, work: () => T | Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]))
    Object.assign(process.env, values)
    try {
      return await work()
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  }

  it('puts the ids Figma assigned into the plugin’s and the widget’s manifests, and keeps the placeholders without them', async () => {
    const { manifest, widgetManifest } = await load()
    const plugin = { id: 'ops-control-room', name: 'Ops Control Room', networkAccess: { devAllowedDomains: [], reasoning: 'r' } }
    const widget = { ...plugin, id: 'ops-control-room-widget', containsWidget: true }
    await withEnv({ OPS_PLUGIN_ID: '', OPS_WIDGET_ID: '' }, () => {
      expect(manifest(plugin).id).toBe('ops-control-room')
      expect(widgetManifest(widget).id).toBe('ops-control-room-widget')
    })
    await withEnv({ OPS_PLUGIN_ID: ' 1234567890123456789 ', OPS_WIDGET_ID: '9876543210987654321' }, () => {
      expect(manifest(plugin).id).toBe('1234567890123456789')
      expect(widgetManifest(widget).id).toBe('9876543210987654321')
    })
    await withEnv({ OPS_PLUGIN_ID: '', OPS_WIDGET_ID: '9876543210987654321' }, () => {
      expect(manifest(plugin).id).toBe('ops-control-room')
    })
  })

  it('refuses an id Figma cannot have assigned, and one id for both, with a clear message', async () => {
    const { env } = await load()
    expect(env.readFigmaIds({})).toEqual({ plugin: undefined, widget: undefined })
    expect(() => env.readFigmaIds({ OPS_PLUGIN_ID: 'ops-control-room' })).toThrow(
      /^OPS_PLUGIN_ID must be the id Figma assigned \(digits only, e\.g\. 1234567890123456789.*got "ops-control-room"$/,
    )
    expect(() => env.readFigmaIds({ OPS_WIDGET_ID: '12 34' })).toThrow(/^OPS_WIDGET_ID must be the id Figma assigned/)
    expect(() => env.readFigmaIds({ OPS_PLUGIN_ID: '42', OPS_WIDGET_ID: '42' })).toThrow('OPS_PLUGIN_ID and OPS_WIDGET_ID must differ')
  })

  it('lists the local stack as localhost only, in both manifests and in the settings check', () => {
    const domains = (file: string) => JSON.parse(readFileSync(`${root}${file}`, 'utf8'))['figma-plugin'].networkAccess.devAllowedDomains
    for (const file of ['package.json', 'widget/package.json']) {
      expect(domains(file), file).toEqual(['http://localhost:54321', 'ws://localhost:54321'])
    }
    expect([...new Set(domains('package.json').map((domain: string) => new URL(domain).host))]).toEqual(DEV_HOSTS)
  })

  it('allows the configured project over https and wss', async () => {
    const { manifest } = await load()
    const saved = process.env.OPS_SUPABASE_URL
    process.env.OPS_SUPABASE_URL = 'https://abcdefghijklmnop.supabase.co/'
    try {
      const result = manifest({ name: 'x', networkAccess: { devAllowedDomains: ['http://localhost:54321'], reasoning: 'r' } })
      expect(result.networkAccess).toEqual({
        allowedDomains: ['https://abcdefghijklmnop.supabase.co', 'wss://abcdefghijklmnop.supabase.co'],
        devAllowedDomains: ['http://localhost:54321'],
        reasoning: 'r',
      })
    } finally {
      if (saved === undefined) delete process.env.OPS_SUPABASE_URL
      else process.env.OPS_SUPABASE_URL = saved
    }
  })

  it('defaults to the local stack and its publishable key, and refuses a bad URL with a clear message', async () => {
    const { env } = await load()
    expect(env.readBuildConfig({})).toEqual({
      supabaseUrl: 'http://localhost:54321',
      anonKey: LOCAL_PUBLISHABLE_KEY,
      allowedDomains: ['http://localhost:54321', 'ws://localhost:54321'],
    })
    expect(
      env.defineBuildConstants({ OPS_SUPABASE_URL: 'https://p.supabase.co', OPS_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x' }),
    ).toEqual({
      __OPS_SUPABASE_URL__: '"https://p.supabase.co"',
      __OPS_SUPABASE_ANON_KEY__: '"sb_publishable_x"',
    })
    // The older setting's name still works, with a legacy anon key or a publishable one.
    expect(env.readBuildConfig({ OPS_SUPABASE_ANON_KEY: ANON_KEY }).anonKey).toBe(ANON_KEY)
    expect(env.readBuildConfig({ OPS_SUPABASE_ANON_KEY: 'sb_publishable_y' }).anonKey).toBe('sb_publishable_y')
    // A secret key never goes into a plugin, whichever name it comes under.
    expect(() => env.readBuildConfig({ OPS_SUPABASE_PUBLISHABLE_KEY: 'sb_secret_z' })).toThrow(
      "OPS_SUPABASE_PUBLISHABLE_KEY holds a secret key, which bypasses row-level security: build with the project's publishable key instead",
    )
    expect(() => env.readBuildConfig({ OPS_SUPABASE_ANON_KEY: SERVICE_ROLE_KEY })).toThrow(/^OPS_SUPABASE_ANON_KEY holds a secret key/)
    expect(() => env.readBuildConfig({ OPS_SUPABASE_URL: 'p.supabase.co' })).toThrow(
      'OPS_SUPABASE_URL must be a URL such as https://<project-ref>.supabase.co, got "p.supabase.co"',
    )
    expect(() => env.readBuildConfig({ OPS_SUPABASE_URL: 'https://p.supabase.co/rest/v1' })).toThrow(
      'OPS_SUPABASE_URL must be the project\'s origin only (no path, query or credentials), got "https://p.supabase.co/rest/v1"',
    )
  })
})
