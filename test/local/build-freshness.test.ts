/** `npm start` and `npm test` build the plugin again only when a source, the configuration or the outputs changed. */
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BUILD_OUTPUTS,
  buildUnlessFresh,
  readBuildState,
  staleReason,
  writeBuildStamp,
  type BuildState,
} from '../../local/build-freshness.ts'

const config = { OPS_SUPABASE_ANON_KEY: '', OPS_SUPABASE_URL: '' }
const outputs = (mtime: number | null) => Object.fromEntries(BUILD_OUTPUTS.map((path) => [path, mtime]))
const fresh: BuildState = {
  newestInput: { path: 'src/main.ts', mtimeMs: 1000 },
  outputs: outputs(2000),
  stamp: { mtimeMs: 3000, value: { config, log: 'Typechecked in 1s' } },
}

describe('staleReason', () => {
  it.each<[string, BuildState, Record<string, string>, string | null]>([
    ['nothing changed', fresh, config, null],
    [
      'an output is missing',
      { ...fresh, outputs: { ...fresh.outputs, 'widget/build/ui.js': null } },
      config,
      'widget/build/ui.js is missing',
    ],
    ['no stamp yet', { ...fresh, stamp: null }, config, 'no build was made for the tests yet'],
    [
      'a source changed',
      { ...fresh, newestInput: { path: 'src/ui.tsx', mtimeMs: 4000 } },
      config,
      'src/ui.tsx changed since the last build',
    ],
    ['built by hand since', { ...fresh, outputs: { ...fresh.outputs, 'build/ui.js': 5000 } }, config, 'build/ui.js was built again since'],
    ['another project', fresh, { ...config, OPS_SUPABASE_URL: 'https://p.supabase.co' }, 'the build-time configuration changed'],
  ])('%s', (_, state, current, expected) => {
    expect(staleReason(state, current)).toBe(expected)
  })
})

describe('readBuildState', () => {
  let root: string
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('finds the newest source file, the outputs and the stamp on disk', async () => {
    root = await mkdtemp(join(tmpdir(), 'ops-build-state-'))
    await mkdir(join(root, 'src/ui'), { recursive: true })
    await writeFile(join(root, 'src/main.ts'), '')
    await writeFile(join(root, 'src/ui/app.tsx'), '')
    await utimes(join(root, 'src/main.ts'), 100, 100)
    await utimes(join(root, 'src/ui/app.tsx'), 200, 200)
    for (const output of BUILD_OUTPUTS) {
      await mkdir(join(root, output, '..'), { recursive: true })
      await writeFile(join(root, output), 'x')
      await utimes(join(root, output), 300, 300)
    }
    await writeBuildStamp(root, { config, log: 'log' })

    const state = await readBuildState(root)
    expect(state.newestInput).toEqual({ path: 'src/ui/app.tsx', mtimeMs: 200_000 })
    expect(state.outputs['build/ui.js']).toBe(300_000)
    expect(state.stamp?.value).toEqual({ config, log: 'log' })
    expect(staleReason(state, config)).toBeNull()

    await utimes(join(root, 'src/main.ts'), Date.now() / 1000 + 60, Date.now() / 1000 + 60)
    expect(staleReason(await readBuildState(root), config)).toBe('src/main.ts changed since the last build')
  })

  it('builds when stale, stamps the build, and then starts without building while nothing changes', async () => {
    root = await mkdtemp(join(tmpdir(), 'ops-build-unless-'))
    await mkdir(join(root, 'src'), { recursive: true })
    await writeFile(join(root, 'src/main.ts'), '')
    await utimes(join(root, 'src/main.ts'), 100, 100)
    const builds: string[] = []
    const build = async () => {
      for (const output of BUILD_OUTPUTS) {
        await mkdir(join(root, output, '..'), { recursive: true })
        await writeFile(join(root, output), 'x')
        await utimes(join(root, output), 300, 300)
      }
      builds.push('built')
      return `build ${builds.length}`
    }
    const first = await buildUnlessFresh(root, config, build)
    expect(first).toEqual({ builtBecause: 'manifest.json is missing', log: 'build 1' })
    const second = await buildUnlessFresh(root, config, build)
    expect(second).toEqual({ builtBecause: null, log: 'build 1' })
    expect(builds).toHaveLength(1)

    await utimes(join(root, 'src/main.ts'), Date.now() / 1000 + 60, Date.now() / 1000 + 60)
    const third = await buildUnlessFresh(root, config, build)
    expect(third.builtBecause).toBe('src/main.ts changed since the last build')
    expect(builds).toHaveLength(2)
  })
})

describe('npm start', () => {
  it('builds only when the outputs are stale, then starts the stack', async () => {
    const { readFile } = await import('node:fs/promises')
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.start).not.toContain('npm run build')
    // npm start runs local/start.ts as a bundle that local/start.mjs makes again only when a source changed.
    expect(pkg.scripts.start).toBe('node local/start.mjs')
    const launcher = await readFile(new URL('../../local/start.mjs', import.meta.url), 'utf8')
    expect(launcher).toContain("entryPoints: ['local/start.ts']")
    expect(launcher).toContain('staleReason()')
    const start = await readFile(new URL('../../local/start.ts', import.meta.url), 'utf8')
    expect(start).toContain('buildUnlessFresh(')
    expect(start).toContain("await import('./cli.ts')")
  })
})
