/** The widget builds from this repository, with the manifest FigJam needs. */
import { describe, expect, inject, it } from 'vitest'
import { readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain JavaScript build configuration module.
import { readBuildConfig } from '../../build-figma-plugin.env.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('the FigJam widget build', () => {
  it('typechecks, bundles and writes a widget manifest with the plugin’s network access', () => {
    // The `npm run build` that made the outputs built the widget with --typecheck.
    expect(inject('buildOutput')).toMatch(/cd widget && build-figma-plugin --typecheck --minify[\s\S]*Typechecked in[\s\S]*Built in/)
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
  })
})
