/**
 * The one Chromium launcher of the tests and the benchmarks: headless, driven by playwright-core,
 * with a fresh profile per launch and the project's own flags. Nothing is downloaded: the browser
 * is, in order,
 *   1. CHROMIUM_PATH, when set (any Chromium or Chrome),
 *   2. a system `chromium` on the PATH (Debian's package, say),
 *   3. the headless Chromium that the npm package @sparticuz/chromium ships inside itself
 *      (Linux x64 only), unpacked once per version into node_modules/.cache.
 * Where none can run, the error names CHROMIUM_PATH.
 *
 * The npm package's own launch flags are not used: --single-process and --disable-web-security
 * would hide content-security-policy problems and shift the benchmarks.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium, type BrowserContext } from 'playwright-core'

const root = fileURLToPath(new URL('../..', import.meta.url))
const NPM_PACKAGE = '@sparticuz/chromium'

/**
 * --disable-background-networking and the flags beside it keep Chromium from reaching Google's
 * hosts at every start, which a closed network refuses many times over.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface ChromiumExecutable {
  path: string
  /** Where it was found, for messages and the benchmark's machine record. */
  source: 'CHROMIUM_PATH' | 'system' | 'npm'
  /** Extra environment for the browser process (the npm build's fonts). */
  env: Record<string, string>
}

let resolved: Promise<ChromiumExecutable> | null = null

/** Finds (and for the npm build, unpacks once) the Chromium to launch. */
export function chromiumExecutable(): Promise<ChromiumExecutable> {
  resolved ??= findChromium()
  return resolved
}

async function findChromium(): Promise<ChromiumExecutable> {
  const configured = process.env.CHROMIUM_PATH
  if (configured) {
    if (!isExecutable(configured)) {
      throw new Error(
        `CHROMIUM_PATH is ${configured}, which is not an executable file. Point it at a Chromium or Chrome binary, or unset it.`,
      )
    }
    return { path: configured, source: 'CHROMIUM_PATH', env: {} }
  }
  const system = onPath('chromium')
  if (system) return { path: system, source: 'system', env: {} }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `No Chromium to run: there is no \`chromium\` on the PATH, and ${NPM_PACKAGE} ships a Linux x64 build only ` +
        `(this is ${process.platform} ${process.arch}). Set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    )
  }
  try {
    return await unpackNpmChromium()
  } catch (error) {
    throw new Error(
      `Could not unpack the Chromium of ${NPM_PACKAGE} (${(error as Error).message}). Set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    )
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name)
  }
  return null
}

/**
 * The package unpacks into os.tmpdir() and reuses whatever `chromium` it finds there, whatever its
 * version; so it runs in a child process whose TMPDIR is a folder of its own version. A lock
 * folder keeps parallel test processes from unpacking over each other.
 */
async function unpackNpmChromium(): Promise<ChromiumExecutable> {
  const { version } = JSON.parse(await readFile(join(root, 'node_modules', NPM_PACKAGE, 'package.json'), 'utf8')) as { version: string }
  const dir = join(root, 'node_modules', '.cache', 'ops-chromium', version)
  const ready = join(dir, 'ready')
  const env = { FONTCONFIG_FILE: join(dir, 'fonts.conf') }
  if (existsSync(ready)) return { path: join(dir, 'chromium'), source: 'npm', env }

  await mkdir(dirname(dir), { recursive: true })
  const lock = `${dir}.lock`
  await acquire(lock)
  try {
    if (!existsSync(ready)) {
      await rm(dir, { recursive: true, force: true })
      await mkdir(dir, { recursive: true })
      const script = `import(${JSON.stringify(NPM_PACKAGE)}).then((m) => m.default.executablePath()).then((p) => process.stdout.write(p))`
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: root,
        env: { ...process.env, TMPDIR: dir },
      })
      if (stdout !== join(dir, 'chromium')) throw new Error(`it unpacked to ${stdout}, not ${dir}`)
      // Its fonts (Open Sans) next to the system's, so pages render text on a machine with none.
      await writeFile(
        env.FONTCONFIG_FILE,
        [
          '<?xml version="1.0"?>',
          '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
          '<fontconfig>',
          '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
          `  <dir>${join(dir, 'fonts')}</dir>`,
          `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>`,
          '</fontconfig>',
          '',
        ].join('\n'),
      )
      await writeFile(ready, `${version}\n`)
    }
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
  return { path: join(dir, 'chromium'), source: 'npm', env }
}

/** mkdir is atomic: whoever creates the folder holds the lock; a lock older than 2 min is stale. */
async function acquire(lock: string): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    try {
      await mkdir(lock)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (age > 120_000) await rm(lock, { recursive: true, force: true })
      else if (waited > 180_000) throw new Error(`another process has held ${lock} for 3 minutes`)
      else await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** "Chromium 147.0.7727.0 (npm @sparticuz/chromium)" */
export async function chromiumVersion(): Promise<string> {
  const executable = await chromiumExecutable()
  const { stdout } = await promisify(execFile)(executable.path, ['--version'], { env: { ...process.env, ...executable.env } })
  return `${stdout.trim()} (${executable.source === 'npm' ? `npm ${NPM_PACKAGE}` : executable.source})`
}

export interface LaunchedBrowser {
  context: BrowserContext
  close(): Promise<void>
}

/**
 * A headless browser with a fresh profile. Playwright refuses a --user-data-dir argument, so the
 * profile is launchPersistentContext's directory (which Playwright passes as --user-data-dir).
 */
export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<LaunchedBrowser> {
  const executable = await chromiumExecutable()
  const profile = await mkdtemp(join(tmpdir(), 'ops-chromium-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable.path,
    env: { ...process.env, ...executable.env },
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1100, height: options.height ?? 900 },
    acceptDownloads: true,
  })
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    },
  }
}
