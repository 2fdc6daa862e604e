/**
 * Stylesheets in the UI bundles (build-stylesheets.js). Every stylesheet ships once:
 * create-figma-plugin's CSS-modules step made a new module for each import of a `.css` file, so a
 * stylesheet imported by five components used to be in build/ui.js five times. A minified build
 * names each scoped class with a short name of its own, used alike by the stylesheet and the class
 * map. Checked on small projects built with the UI build configuration, and on the built plugin UI
 * and widget window. Each stylesheet module injects its <style> element under an id made from the
 * file's path, so an id seen twice is a stylesheet shipped twice.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** How many times each stylesheet's <style> element is injected by a bundle, by element id. */
function stylesheetCounts(bundle: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const [, id] of bundle.matchAll(
    /document\.getElementById\("([0-9a-f]+)"\)===null\)\{let [\w$]+=document\.createElement\("style"\)/g,
  )) {
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

function repeated(counts: Map<string, number>): string[] {
  return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`)
}

/** Builds a small plugin UI from `files` (paths under src/) with the plugin's UI build configuration. */
async function buildProject(name: string, files: Record<string, string>, minify = true): Promise<string> {
  const dir = `${root}test-results/${name}/`
  await rm(dir, { recursive: true, force: true })
  const config = { editorType: ['figma'], id: name, name, main: 'src/main.ts', ui: 'src/ui.tsx' }
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ type: 'module', 'figma-plugin': config }),
    'build-figma-plugin.ui.js': "export { default } from '../../build-figma-plugin.ui.js'\n",
    'src/main.ts': 'export default function () {}\n',
    'src/css.d.ts': "declare module '*.css' {\n  const styles: Record<string, string>\n  export default styles\n}\n",
    ...Object.fromEntries(Object.entries(files).map(([path, text]) => [`src/${path}`, text])),
  }
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(`${dir}${path}`), { recursive: true })
    await writeFile(`${dir}${path}`, text)
  }
  await promisify(execFile)(`${root}node_modules/.bin/build-figma-plugin`, minify ? ['--minify'] : [], { cwd: dir })
  return readFile(`${dir}build/ui.js`, 'utf8')
}

const lines = (...text: string[]) => [...text, ''].join('\n')

/** A stylesheet imported by three files in two folders. */
const sharedStylesheet = {
  'shared.css': '.card { color: red; }\n.title { font-weight: 600; }\n',
  'card.ts': "import styles from './shared.css'\nexport const card = styles.card\n",
  'panel/title.ts': "import styles from '../shared.css'\nexport const title = styles.title\n",
  'ui.tsx': lines(
    "import styles from './shared.css'",
    "import { card } from './card'",
    "import { title } from './panel/title'",
    'export default function (root: HTMLElement) {',
    '  root.className = [card, title, styles.title].join(" ")',
    '}',
  ),
}

/** Two scoped stylesheets that both name a class `title` (one with a keyframes rule), and a global one. */
const twoStylesheets = {
  'card.css': '.title { color: red; }\n.card { animation: spin 1s infinite; }\n@keyframes spin { to { opacity: 0; } }\n',
  'panel/panel.css': '.title { font-weight: 600; }\n',
  'global.css': '.keep-me { margin: 0; }\n',
  'ui.tsx': lines(
    "import '!./global.css'",
    "import card from './card.css'",
    "import panel from './panel/panel.css'",
    'export default function (root: HTMLElement) {',
    '  root.className = [card.title, card.card, panel.title].join(" ")',
    '}',
  ),
}

/** The class maps a bundle exports, in the order their stylesheets appear. */
function classMaps(bundle: string): Record<string, string>[] {
  return [...bundle.matchAll(/\{((?:[\w$]+:"[^"]*",?)+)\}/g)]
    .map(([, body]) => Object.fromEntries([...body.matchAll(/([\w$]+):"([^"]*)"/g)].map(([, key, value]) => [key, value])))
    .filter((map) => 'title' in map)
}

/** The text of each stylesheet a bundle injects. */
const stylesheetTexts = (bundle: string) =>
  [...bundle.matchAll(/\.textContent=("(?:[^"\\]|\\.)*")/g)].map(([, text]) => JSON.parse(text) as string)

describe('stylesheets in the UI bundles', () => {
  it('ships a stylesheet imported by three files in two folders once, with one class map', async () => {
    const bundle = await buildProject('stylesheet-once', sharedStylesheet)
    expect([...stylesheetCounts(bundle).values()]).toEqual([1])
    // Both components read the same class map: the scoped class names appear in one map only.
    expect(classMaps(bundle)).toHaveLength(1)
  })

  it('gives each scoped class a short name of its own, the same in the stylesheet and the class map', async () => {
    const bundle = await buildProject('stylesheet-names', twoStylesheets)
    const [card, panel] = classMaps(bundle)
    expect(Object.keys(card)).toEqual(['title', 'card', 'spin'])
    expect(Object.keys(panel)).toEqual(['title'])
    for (const name of [...Object.values(card), ...Object.values(panel)]) expect(name).toMatch(/^_[0-9a-z]{6}$/)
    // The same local name in two files is two classes.
    expect(card.title).not.toBe(panel.title)
    const css = stylesheetTexts(bundle).join('\n')
    expect(css).toContain(`.${card.title}{color:red}`)
    expect(css).toContain(`.${panel.title}{font-weight:600}`)
    // The keyframes rule is scoped too, and the animation names the scoped keyframes.
    expect(css).toContain(`@keyframes ${card.spin}{`)
    expect(css).toContain(`.${card.card}{animation:${card.spin} 1s infinite}`)
    // A global stylesheet keeps its names.
    expect(css).toContain('.keep-me{margin:0}')
  })

  it('keeps readable class names in an unminified build', async () => {
    const bundle = await buildProject('stylesheet-names-readable', twoStylesheets, false)
    // Unminified, a map reads `{ "title": "_title_…", … }`: compact it to the minified form.
    const compact = bundle
      .replaceAll(/"(\w+)": "/g, '$1:"')
      .replaceAll('", ', '",')
      .replaceAll('{ ', '{')
      .replaceAll('" }', '"}')
    const [card, panel] = classMaps(compact)
    expect(card.title).toMatch(/^_title_[0-9a-z]{5}$/)
    expect(panel.title).toMatch(/^_title_[0-9a-z]{5}$/)
    expect(card.title).not.toBe(panel.title)
  })

  for (const bundle of ['build/ui.js', 'widget/build/ui.js']) {
    it(`${bundle} injects each of its stylesheets once`, async () => {
      const counts = stylesheetCounts(await readFile(`${root}${bundle}`, 'utf8'))
      // The pattern still finds the stylesheet modules (their output did not change shape).
      expect(counts.size).toBeGreaterThan(bundle.startsWith('widget') ? 1 : 40)
      expect(repeated(counts)).toEqual([])
    })
  }
})
