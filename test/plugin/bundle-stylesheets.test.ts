/**
 * Every stylesheet ships once. create-figma-plugin's CSS-modules plugin makes a new module for each
 * import of a `.css` file, so a stylesheet imported by five components used to be in build/ui.js
 * five times; the UI build configuration resolves each stylesheet once. Checked on a small
 * project built with that configuration (one stylesheet imported from three files in two folders),
 * and on the built plugin UI and widget window. Each stylesheet module injects its <style>
 * element under an id made from the file's path, so an id seen twice is a stylesheet shipped twice.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
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

/** Builds a small UI whose stylesheet is imported by three files in two folders. */
async function buildSharedStylesheetProject(): Promise<string> {
  const dir = `${root}test-results/stylesheet-once/`
  await rm(dir, { recursive: true, force: true })
  await mkdir(`${dir}src/panel`, { recursive: true })
  const config = { editorType: ['figma'], id: 'stylesheet-once', name: 'Stylesheet once', main: 'src/main.ts', ui: 'src/ui.tsx' }
  await writeFile(`${dir}package.json`, JSON.stringify({ type: 'module', 'figma-plugin': config }))
  await writeFile(`${dir}build-figma-plugin.ui.js`, "export { default } from '../../build-figma-plugin.ui.js'\n")
  await writeFile(`${dir}src/main.ts`, 'export default function () {}\n')
  await writeFile(`${dir}src/shared.css`, '.card { color: red; }\n.title { font-weight: 600; }\n')
  await writeFile(`${dir}src/card.ts`, "import styles from './shared.css'\nexport const card = styles.card\n")
  await writeFile(`${dir}src/panel/title.ts`, "import styles from '../shared.css'\nexport const title = styles.title\n")
  await writeFile(
    `${dir}src/ui.tsx`,
    [
      "import styles from './shared.css'",
      "import { card } from './card'",
      "import { title } from './panel/title'",
      'export default function (root: HTMLElement) {',
      '  root.className = [card, title, styles.title].join(" ")',
      '}',
      '',
    ].join('\n'),
  )
  await writeFile(`${dir}src/css.d.ts`, "declare module '*.css' {\n  const styles: Record<string, string>\n  export default styles\n}\n")
  await promisify(execFile)(`${root}node_modules/.bin/build-figma-plugin`, ['--minify'], { cwd: dir })
  return readFile(`${dir}build/ui.js`, 'utf8')
}

describe('stylesheets in the UI bundles', () => {
  it('ships a stylesheet imported by three files in two folders once, with one class map', async () => {
    const bundle = await buildSharedStylesheetProject()
    expect([...stylesheetCounts(bundle).values()]).toEqual([1])
    // Both components read the same class map: the hashed class names appear in one map only.
    expect(bundle.match(/card:"_card_\w+"/g)).toHaveLength(1)
  })

  for (const bundle of ['build/ui.js', 'widget/build/ui.js']) {
    it(`${bundle} injects each of its stylesheets once`, async () => {
      const counts = stylesheetCounts(await readFile(`${root}${bundle}`, 'utf8'))
      // The pattern still finds the stylesheet modules (create-figma-plugin's output did not change shape).
      expect(counts.size).toBeGreaterThan(bundle.startsWith('widget') ? 1 : 40)
      expect(repeated(counts)).toEqual([])
    })
  }
})
