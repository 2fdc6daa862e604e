/** The widget builds from this repository, with the manifest FigJam needs. */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain JavaScript build configuration module.
import { readBuildConfig } from '../../build-figma-plugin.env.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

describe('the FigJam widget build', () => {
  it('typechecks, bundles and writes a widget manifest with the plugin’s network access', async () => {
    await run(`${root}node_modules/.bin/build-figma-plugin`, ['--typecheck', '--minify'], { cwd: `${root}widget` })
    const manifest = JSON.parse(readFileSync(`${root}widget/manifest.json`, 'utf8'))
    expect(manifest).toMatchObject({
      containsWidget: true,
      widgetApi: '1.0.0',
      editorType: ['figjam'],
      main: 'build/main.js',
      ui: 'build/ui.js',
      documentAccess: 'dynamic-page',
    })
    const plugin = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))['figma-plugin']
    expect(manifest.networkAccess.allowedDomains).toEqual(readBuildConfig().allowedDomains)
    expect(manifest.networkAccess.devAllowedDomains).toEqual(plugin.networkAccess.devAllowedDomains)
    for (const file of ['widget/build/main.js', 'widget/build/ui.js']) expect(statSync(`${root}${file}`).size).toBeGreaterThan(1000)
  }, 120_000)
})
