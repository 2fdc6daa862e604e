/**
 * The UI bundles read YAML but never write it, so they ship js-yaml's loader without its dumper
 * (build-yaml-loader.js marks the one property read that kept the dumper as pure). A js-yaml
 * whose file no longer has that line stops the build with a message rather than quietly
 * shipping the dumper again.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain JavaScript build configuration module.
import { yamlLoaderOnly } from '../../build-yaml-loader.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

// Messages only js-yaml's loader and only its dumper contain.
const LOADER = 'end of the stream or a document separator is expected'
const DUMPER = 'unacceptable kind of an object to dump'

type OnLoad = (args: { path: string }) => Promise<{ contents?: string; errors?: { text: string }[] }>

/** The plugin's onLoad callback, as esbuild would call it. */
function onLoadOf(): OnLoad {
  let callback: OnLoad | undefined
  yamlLoaderOnly().setup({
    onLoad: (_options: unknown, given: OnLoad) => {
      callback = given
    },
  })
  if (callback === undefined) throw new Error('the plugin registered no onLoad callback')
  return callback
}

describe('js-yaml in the UI bundles', () => {
  for (const bundle of ['build/ui.js', 'widget/build/ui.js']) {
    it(`${bundle} has the YAML loader and not the dumper`, async () => {
      const text = await readFile(`${root}${bundle}`, 'utf8')
      expect(text).toContain(LOADER)
      expect(text).not.toContain(DUMPER)
    })
  }

  it('stops the build, naming the file, when js-yaml no longer reads like the version it was made for', async () => {
    const dir = await mkdtemp(`${tmpdir()}/yaml-loader-`)
    const path = `${dir}/js-yaml.mjs`
    await writeFile(path, 'var dump = dumper.dump\nexport { dump }\n')
    const result = await onLoadOf()({ path })
    expect(result.contents).toBeUndefined()
    expect(result.errors?.[0].text).toContain(`${path} no longer has "var dump                = dumper.dump;"`)
  })

  it('changes nothing in js-yaml but that one line', async () => {
    const path = `${root}node_modules/js-yaml/dist/js-yaml.mjs`
    const [original, result] = await Promise.all([readFile(path, 'utf8'), onLoadOf()({ path })])
    const before = original.split('\n')
    const after = result.contents!.split('\n')
    expect(after).toHaveLength(before.length)
    expect(before.filter((line, i) => line !== after[i])).toEqual(['var dump                = dumper.dump;'])
  })
})
