/** What the numbers were measured on: machine, runtime and library versions. */
import { cpus, totalmem, platform, release, arch } from 'node:os'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromiumVersion } from '../../test/support/chromium.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

const versionOf = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version
  } catch {
    return 'not installed'
  }
}

export async function machine() {
  const cpu = cpus()
  // No browser here: the browser scenarios say so.
  const chromium = await chromiumVersion().catch(() => 'not installed')
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    versions: {
      '@supabase/supabase-js': versionOf('@supabase/supabase-js'),
      '@electric-sql/pglite': versionOf('@electric-sql/pglite'),
      'graphile-worker': versionOf('graphile-worker'),
      preact: versionOf('preact'),
      react: versionOf('react'),
      esbuild: versionOf('esbuild'),
      chromium,
    },
  }
}
