/**
 * The file FigJam loads, widget/build/main.js, loaded as FigJam loads it: a script in a fresh realm
 * whose only globals are the host's (`figma`, `__html__`, timers, console; no `fetch`, `WebSocket`
 * or `window`). create-figma-plugin's bundle ends by calling the entry module's default export; an
 * entry that registers the widget at the top level and exports nothing (the build before this one)
 * registers, then throws.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { runInHostRealm } from '../support/host-realm.ts'
import { builtWidget, FakeBoard, FakeClock, FakeFigJamClient, texts } from './fake-widget.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Bundles an entry with create-figma-plugin's own build (its entry wrapper, the widget's esbuild settings). */
async function bundleEntry(name: string, entry: string): Promise<string> {
  const dir = `${root}test-results/widget-entries/${name}/`
  await rm(dir, { recursive: true, force: true })
  await mkdir(`${dir}src`, { recursive: true })
  const config = JSON.parse(await readFile(`${root}widget/package.json`, 'utf8'))['figma-plugin']
  const { ui: _ui, ...withoutWindow } = config
  await writeFile(`${dir}package.json`, JSON.stringify({ type: 'module', 'figma-plugin': withoutWindow }))
  await writeFile(`${dir}build-figma-plugin.main.js`, "export { default } from '../../../build-figma-plugin.main.js'\n")
  await writeFile(`${dir}src/main.tsx`, entry)
  await promisify(execFile)(`${root}node_modules/.bin/build-figma-plugin`, ['--minify'], { cwd: dir })
  return readFile(`${dir}build/main.js`, 'utf8')
}

function client(code = builtWidget().code) {
  const widget = { ...builtWidget(), code }
  const board = new FakeBoard(widget.manifest.id)
  const person = new FakeFigJamClient(board, widget, { id: 'u-ana', name: 'Ana', sessionId: 7 }, { clock: new FakeClock(0) })
  return { board, person }
}

describe('the built widget', () => {
  it('loads with the host’s globals only, registers the card and draws an empty one', () => {
    const { board, person } = client()
    const { tree, menu } = person.render(board.addCard())
    expect(texts(tree)).toEqual([
      'Ops run card',
      'Shows one run of Ops Control Room, live for everyone on the board, or becomes a runbook button that starts one.',
      'Pick a run',
      'Make a runbook button',
    ])
    expect(menu?.items.map((item) => item.propertyName)).toEqual(['pick'])
  })

  it('calls the entry’s default export exactly once, which registers the card', () => {
    const registered: unknown[] = []
    const figma = { widget: { register: (component: unknown) => registered.push(component) }, ui: {} }
    const { error } = runInHostRealm(builtWidget().code, { figma, __html__: '', console })
    expect(error).toBeUndefined()
    expect(registered).toHaveLength(1)
  })

  it('an entry without a default export (the build before this one) registers, then throws', async () => {
    const old = await bundleEntry(
      'top-level-register',
      "import { OpsRunCard } from '../../../../widget/src/ops-run-card.tsx'\nfigma.widget.register(OpsRunCard)\n",
    )
    const registered: unknown[] = []
    const figma = { widget: { register: (component: unknown) => registered.push(component) }, ui: {} }
    const { error } = runInHostRealm(old, { figma, __html__: '', console })
    expect(registered).toHaveLength(1)
    // A TypeError of the bundle's realm, not of this one.
    expect(String(error)).toMatch(/^TypeError: \S+ is not a function$/)
    // The strict fake refuses it the same way.
    expect(() => client(old).person.render(client(old).board.addCard())).toThrow(/is not a function/)

    // The same build of today's entry loads.
    const today = await bundleEntry('default-export', "export { default } from '../../../../widget/src/main.tsx'\n")
    expect(runInHostRealm(today, { figma: { ...figma, widget: { register: () => {} } }, __html__: '', console }).error).toBeUndefined()
  }, 60_000)
})
